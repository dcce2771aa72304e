//! The registrar (RFC 3261 §10.3) for the agents' soft phones, over one WebSocket connection.
//!
//! - A REGISTER without credentials, or with a nonce this connection was not given, is answered
//!   `401` with `WWW-Authenticate: Digest realm="ccc-emulator", nonce="…", qop="auth", algorithm=MD5`.
//! - Credentials are checked with `ccc-sip`'s digest code: username = an agent's extension (and the AOR's
//!   user), password = that agent's SIP password (`GetLoginDetails.Signature2`); MD5 and SHA-256 (and their
//!   `-sess` forms) are accepted. A wrong answer to our nonce is `403` (so a wrong password fails after the
//!   one retry, never loops).
//! - Expires (Contact `expires` parameter, else the `Expires` header, else [`DEFAULT_EXPIRES`]) is capped at
//!   [`MAX_EXPIRES`]; `0` removes the binding (`Contact: *` too); below [`MIN_EXPIRES`] is `423` with
//!   `Min-Expires`. The `200` carries the binding's Contact with `expires=` and an `Expires` header.
//! - The binding belongs to the connection: it goes when the WebSocket closes (RFC 7118 §5; the emulator's
//!   own rule: one binding per agent, the newest wins).

use std::time::{Duration, Instant};

use ccc_sip::builders::response_to;
use ccc_sip::digest::{Algorithm, DigestChallenge, DigestInput, Qop};
use ccc_sip::{Auth, Contact, Header, NameAddr, Request, Response, StatusCode};

/// The digest realm.
pub(crate) const REALM: &str = "ccc-emulator";
/// Expires granted when the REGISTER names none (seconds).
pub(crate) const DEFAULT_EXPIRES: u32 = 600;
/// The longest registration granted (seconds).
pub(crate) const MAX_EXPIRES: u32 = 600;
/// The shortest registration accepted (seconds): below it, 423.
pub(crate) const MIN_EXPIRES: u32 = 60;

/// A soft phone's binding: where to send the agent's calls.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) conn: u64,
    /// The registered Contact (the Request-URI of the INVITEs sent to it).
    pub(crate) contact: NameAddr,
    /// The address of record (`sip:<extension>@<host>`), To of the INVITEs.
    pub(crate) aor: NameAddr,
    pub(crate) until: Instant,
}

impl Binding {
    /// Whether the binding is still valid at `now`.
    pub(crate) fn live(&self, now: Instant) -> bool {
        now < self.until
    }
}

/// What a REGISTER changed.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing (challenged or refused).
    None,
    /// Agent `user_id` is bound.
    Registered {
        user_id: String,
        binding: Box<Binding>,
    },
    /// Agent `user_id`'s binding on this connection is removed.
    Unregistered { user_id: String },
}

/// An agent as the registrar sees it.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) user_id: String,
    pub(crate) password: String,
}

/// Answers `req` (a REGISTER on connection `conn`). `nonces` are the nonces this connection was given (a new
/// one is added with each 401); `fresh_nonce` makes one; `account` finds the agent whose extension is the
/// digest username.
pub(crate) fn register(
    req: &Request,
    conn: u64,
    nonces: &mut Vec<String>,
    fresh_nonce: impl FnOnce() -> String,
    account: impl Fn(&str) -> Option<Account>,
    to_tag: &str,
) -> (Response, Outcome) {
    let reply = |code: u16| response_to(req, status(code), Some(to_tag));
    let cred = req.headers.authorization().find(|c| c.is_digest());
    let known_nonce = cred
        .and_then(|c| c.unquoted("nonce"))
        .filter(|n| nonces.contains(n));
    let Some((cred, nonce)) = cred.zip(known_nonce) else {
        let nonce = fresh_nonce();
        nonces.push(nonce.clone());
        if nonces.len() > 8 {
            nonces.remove(0);
        }
        let mut r = reply(401);
        insert(&mut r, Header::WwwAuthenticate(challenge(&nonce)));
        return (r, Outcome::None);
    };
    let username = cred.unquoted("username").unwrap_or_default();
    let aor_user = req
        .headers
        .to()
        .and_then(|to| to.uri.as_sip())
        .and_then(|u| u.user_decoded())
        .map(|u| String::from_utf8_lossy(&u).into_owned());
    let Some(account) = account(&username).filter(|_| aor_user.as_deref() == Some(&username))
    else {
        return (reply(403), Outcome::None);
    };
    if !verify(cred, &nonce, &account.password, "REGISTER", &req.body) {
        return (reply(403), Outcome::None);
    }
    let contact = req.headers.contacts().next().cloned();
    let expires = contact
        .as_ref()
        .and_then(NameAddr::expires)
        .or(req.headers.expires())
        .unwrap_or(DEFAULT_EXPIRES);
    if req.headers.contact_wildcard() || expires == 0 || contact.is_none() {
        if contact.is_none() && !req.headers.contact_wildcard() && expires != 0 {
            // A query (no Contact): nothing to change; answer with no bindings listed.
            return (reply(200), Outcome::None);
        }
        return (
            reply(200),
            Outcome::Unregistered {
                user_id: account.user_id,
            },
        );
    }
    if expires < MIN_EXPIRES {
        let mut r = reply(423);
        insert(&mut r, Header::MinExpires(MIN_EXPIRES));
        return (r, Outcome::None);
    }
    let granted = expires.min(MAX_EXPIRES);
    let Some(mut contact) = contact else {
        return (reply(400), Outcome::None);
    };
    contact.params.set("expires", Some(&granted.to_string()));
    let mut r = reply(200);
    insert(
        &mut r,
        Header::Contact(Contact::List(vec![contact.clone()])),
    );
    insert(&mut r, Header::Expires(granted));
    let aor = req
        .headers
        .to()
        .map(|to| NameAddr::new(to.uri.clone()))
        .unwrap_or_else(|| contact.clone());
    let binding = Binding {
        conn,
        contact,
        aor,
        until: Instant::now() + Duration::from_secs(u64::from(granted)),
    };
    (
        r,
        Outcome::Registered {
            user_id: account.user_id,
            binding: Box::new(binding),
        },
    )
}

fn status(code: u16) -> StatusCode {
    StatusCode::new(code).unwrap_or(StatusCode::OK)
}

/// Inserts `h` before the closing Content-Length.
fn insert(r: &mut Response, h: Header) {
    let at = r.headers.len().saturating_sub(1);
    r.headers.insert(at, h);
}

/// `Digest realm="ccc-emulator", nonce="…", qop="auth", algorithm=MD5`.
pub(crate) fn challenge(nonce: &str) -> Auth {
    let mut c = Auth::new("Digest");
    c.push("realm", &format!("\"{REALM}\""));
    c.push("nonce", &format!("\"{nonce}\""));
    c.push("qop", "\"auth\"");
    c.push("algorithm", "MD5");
    c
}

/// Whether `cred` answers our challenge with `nonce` for `password` (the response recomputed with
/// `ccc-sip`'s digest code from the client's algorithm, qop, cnonce, nc and digest-uri).
pub(crate) fn verify(cred: &Auth, nonce: &str, password: &str, method: &str, body: &[u8]) -> bool {
    let algorithm_given = cred.unquoted("algorithm");
    let algorithm = match &algorithm_given {
        Some(a) => match Algorithm::parse(a) {
            Some(a) => a,
            None => return false,
        },
        None => Algorithm::Md5,
    };
    let qop = match cred.unquoted("qop").as_deref() {
        None => None,
        Some(q) if q.eq_ignore_ascii_case("auth") => Some(Qop::Auth),
        Some(q) if q.eq_ignore_ascii_case("auth-int") => Some(Qop::AuthInt),
        Some(_) => return false,
    };
    if cred.unquoted("realm").as_deref() != Some(REALM) {
        return false;
    }
    let nc = cred
        .unquoted("nc")
        .and_then(|n| u32::from_str_radix(&n, 16).ok())
        .unwrap_or(0);
    let username = cred.unquoted("username").unwrap_or_default();
    let uri = cred.unquoted("uri").unwrap_or_default();
    let cnonce = cred.unquoted("cnonce").unwrap_or_default();
    let expected = DigestChallenge {
        realm: REALM.into(),
        nonce: nonce.into(),
        opaque: None,
        algorithm,
        algorithm_given: algorithm_given.is_some(),
        qop,
        stale: false,
    }
    .response(&DigestInput {
        username: &username,
        password,
        method,
        uri: &uri,
        body,
        cnonce: &cnonce,
        nc,
    });
    cred.unquoted("response")
        .is_some_and(|r| r.eq_ignore_ascii_case(&expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccc_sip::Message;

    fn request(extra: &str) -> Request {
        let text = format!(
            "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\n\
             From: <sip:8001@127.0.0.1>;tag=a\r\nTo: <sip:8001@127.0.0.1>\r\nCall-ID: c\r\n\
             CSeq: 1 REGISTER\r\nContact: <sip:x@x.invalid;transport=ws>\r\n{extra}Content-Length: 0\r\n\r\n"
        );
        match Message::parse(text.as_bytes()).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    fn account(name: &str) -> Option<Account> {
        (name == "8001").then(|| Account {
            user_id: "agent1".into(),
            password: "pw".into(),
        })
    }

    fn answer(req: &Request, chal: &Auth, password: &str, algorithm: Option<&str>) -> Request {
        let mut chal = chal.clone();
        if let Some(a) = algorithm {
            chal.params.retain(|p| p.name != "algorithm");
            chal.push("algorithm", a);
        }
        let d = DigestChallenge::from_challenge(&chal).unwrap();
        let cred = d.respond(&DigestInput {
            username: "8001",
            password,
            method: "REGISTER",
            uri: "sip:127.0.0.1",
            body: b"",
            cnonce: "cn",
            nc: 1,
        });
        let mut r = req.clone();
        let at = r.headers.len() - 1;
        r.headers.insert(at, Header::Authorization(cred));
        r
    }

    fn challenge_of(r: &Response) -> Auth {
        r.headers.www_authenticate().next().unwrap().clone()
    }

    #[test]
    fn challenge_then_register_with_md5_and_sha256() {
        for alg in [None, Some("SHA-256")] {
            let mut nonces = Vec::new();
            let req = request("Expires: 3600\r\n");
            let (r, o) = register(&req, 1, &mut nonces, || "n1".into(), account, "t");
            assert_eq!(r.status.code(), 401);
            assert!(matches!(o, Outcome::None));
            let chal = challenge_of(&r);
            assert_eq!(
                chal.to_string(),
                r#"Digest realm="ccc-emulator", nonce="n1", qop="auth", algorithm=MD5"#
            );
            let (r, o) = register(
                &answer(&req, &chal, "pw", alg),
                1,
                &mut nonces,
                || "n2".into(),
                account,
                "t",
            );
            assert_eq!(r.status.code(), 200, "{r:?}");
            assert_eq!(r.headers.expires(), Some(MAX_EXPIRES));
            assert_eq!(r.headers.contacts().next().unwrap().expires(), Some(600));
            assert!(matches!(o, Outcome::Registered { ref user_id, .. } if user_id == "agent1"));
        }
    }

    #[test]
    fn wrong_password_is_403_short_expiry_423_zero_unregisters() {
        let mut nonces = Vec::new();
        let req = request("");
        let (r, _) = register(&req, 1, &mut nonces, || "n".into(), account, "t");
        let chal = challenge_of(&r);
        let (r, _) = register(
            &answer(&req, &chal, "bad", None),
            1,
            &mut nonces,
            || "x".into(),
            account,
            "t",
        );
        assert_eq!(r.status.code(), 403);
        let short = request("Expires: 30\r\n");
        let (r, _) = register(
            &answer(&short, &chal, "pw", None),
            1,
            &mut nonces,
            || "x".into(),
            account,
            "t",
        );
        assert_eq!(
            (r.status.code(), r.headers.min_expires()),
            (423, Some(MIN_EXPIRES))
        );
        let zero = request("Expires: 0\r\n");
        let (r, o) = register(
            &answer(&zero, &chal, "pw", None),
            1,
            &mut nonces,
            || "x".into(),
            account,
            "t",
        );
        assert_eq!(r.status.code(), 200);
        assert!(matches!(o, Outcome::Unregistered { .. }));
    }
}
