//! Digest answers against published vectors (RFC 2617 §3.5, RFC 7616 §3.9.1) and SIP cases whose
//! expected values were computed independently (Python `hashlib`, same RFC formulas).

use ccc_sip::digest::{pick_challenge, Algorithm, DigestChallenge, DigestError, DigestInput, Qop};
use ccc_sip::{Challenge, Header};

fn challenge(value: &str) -> Challenge {
    match Header::parse_value("WWW-Authenticate", value).unwrap() {
        Header::WwwAuthenticate(c) => c,
        h => panic!("{h:?}"),
    }
}

fn input<'a>(method: &'a str, uri: &'a str, cnonce: &'a str, nc: u32) -> DigestInput<'a> {
    DigestInput {
        username: "1001",
        password: "s3cret",
        method,
        uri,
        body: b"",
        cnonce,
        nc,
    }
}

#[test]
fn rfc2617_section_3_5() {
    let c = challenge(
        r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
    );
    let d = DigestChallenge::from_challenge(&c).unwrap();
    assert_eq!(
        (d.algorithm, d.qop, d.algorithm_given),
        (Algorithm::Md5, Some(Qop::Auth), false)
    );
    let i = DigestInput {
        username: "Mufasa",
        password: "Circle Of Life",
        method: "GET",
        uri: "/dir/index.html",
        body: b"",
        cnonce: "0a4f113b",
        nc: 1,
    };
    assert_eq!(d.response(&i), "6629fae49393a05397450978507c4ef1");
    assert_eq!(
        d.respond(&i).to_string(),
        r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
    );
}

#[test]
fn rfc7616_section_3_9_1_sha256_and_md5() {
    let i = DigestInput {
        username: "Mufasa",
        password: "Circle of Life",
        method: "GET",
        uri: "/dir/index.html",
        body: b"",
        cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        nc: 1,
    };
    let common = r#"realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
    let sha =
        DigestChallenge::from_challenge(&challenge(&format!("Digest {common}, algorithm=SHA-256")))
            .unwrap();
    assert_eq!(
        sha.response(&i),
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
    let md5 =
        DigestChallenge::from_challenge(&challenge(&format!("Digest {common}, algorithm=MD5")))
            .unwrap();
    assert_eq!(md5.response(&i), "8ca523f5e9506fed4657c9700eebdbec");
    assert!(md5
        .respond(&i)
        .to_string()
        .contains(", algorithm=MD5, qop=auth, nc=00000001, "));
}

#[test]
fn sip_register_md5_qop_auth_counts_nonces() {
    let c = challenge(
        r#"Digest realm="127.0.0.1", nonce="ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0", qop="auth""#,
    );
    let d = DigestChallenge::from_challenge(&c).unwrap();
    assert_eq!(
        d.response(&input("REGISTER", "sip:127.0.0.1", "8dfl5ro2jlb2", 1)),
        "be3ab978acc89dafb0a8c8c502298eea"
    );
    let second = d.respond(&input("REGISTER", "sip:127.0.0.1", "8dfl5ro2jlb2", 2));
    assert_eq!(second.param("nc"), Some("00000002"));
    assert_eq!(
        second.unquoted("response").as_deref(),
        Some("62d184e82cc3843c6abc16ccb5d07e64")
    );
    // The answer goes into an Authorization header that parses back.
    let line = Header::Authorization(second.clone()).to_string();
    assert_eq!(Header::parse(&line).unwrap(), Header::Authorization(second));
}

#[test]
fn sip_md5_without_qop_rfc2069_style() {
    let d = DigestChallenge::from_challenge(&challenge(
        r#"Digest algorithm=MD5, realm="asterisk", nonce="1f8ce5ba""#,
    ))
    .unwrap();
    let i = input("REGISTER", "sip:127.0.0.1", "", 1);
    assert_eq!(d.response(&i), "ab694e24405d4c709cf473ec831f135d");
    let cred = d.respond(&i);
    assert_eq!(
        cred.to_string(),
        r#"Digest username="1001", realm="asterisk", nonce="1f8ce5ba", uri="sip:127.0.0.1", algorithm=MD5, response="ab694e24405d4c709cf473ec831f135d""#
    );
}

#[test]
fn sip_invite_session_and_sha256_variants() {
    let base = r#"realm="127.0.0.1", nonce="ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0""#;
    let cases = [
        ("MD5-sess", "auth", "718b5bce2fb96e95aa01ada51052e40b"),
        (
            "SHA-256",
            "auth",
            "b8ef005699e0691ae1b5556cbb85e680dc8bd77ebb9024589f8bfac73bffe00a",
        ),
        (
            "sha-256-SESS",
            "auth",
            "57965955520f45b8b13c5c8c2e7815860caa7eb62d1544de22e789a2258ff785",
        ),
    ];
    for (alg, qop, expected) in cases {
        let d = DigestChallenge::from_challenge(&challenge(&format!(
            "Digest {base}, algorithm={alg}, qop=\"{qop}\""
        )))
        .unwrap();
        assert_eq!(
            d.response(&input("INVITE", "sip:7002@127.0.0.1", "0a4f113b", 1)),
            expected,
            "{alg}"
        );
    }
    let no_qop =
        DigestChallenge::from_challenge(&challenge(&format!("Digest {base}, algorithm=SHA-256")))
            .unwrap();
    assert_eq!(
        no_qop.response(&input("REGISTER", "sip:127.0.0.1", "", 1)),
        "e434c6d11c940d68e7ea50035048eedfecf7aeb7a4008d2a5ec1d6d580edff38"
    );
    let sess =
        DigestChallenge::from_challenge(&challenge(&format!("Digest {base}, algorithm=MD5-sess")))
            .unwrap();
    assert!(
        sess.respond(&input("INVITE", "sip:7002@127.0.0.1", "c1", 1))
            .param("cnonce")
            .is_some(),
        "-sess sends its cnonce"
    );
}

#[test]
fn sip_auth_int_hashes_the_body() {
    let d = DigestChallenge::from_challenge(&challenge(
        r#"Digest realm="127.0.0.1", nonce="ZRE5MWUBVl3Yf2UvAWfXmzKTSMOp7wP0", qop="auth-int""#,
    ))
    .unwrap();
    assert_eq!(d.qop, Some(Qop::AuthInt));
    let i = DigestInput {
        body: b"v=0\r\n",
        ..input("INVITE", "sip:7002@127.0.0.1", "0a4f113b", 1)
    };
    assert_eq!(d.response(&i), "7c82bc264eb535372a1dded0c68166a6");
}

#[test]
fn challenge_errors_and_choice() {
    let err = |v: &str| DigestChallenge::from_challenge(&challenge(v)).unwrap_err();
    assert_eq!(err(r#"Basic realm="x""#), DigestError::NotDigest);
    assert_eq!(
        err(r#"Digest nonce="n""#),
        DigestError::MissingParam("realm")
    );
    assert_eq!(
        err(r#"Digest realm="r""#),
        DigestError::MissingParam("nonce")
    );
    assert_eq!(
        err(r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#),
        DigestError::UnsupportedAlgorithm("SHA-512-256".into())
    );
    assert_eq!(
        err(r#"Digest realm="r", nonce="n", qop="auth-conf""#),
        DigestError::UnsupportedQop("auth-conf".into())
    );
    let stale =
        DigestChallenge::from_challenge(&challenge(r#"Digest realm="r", nonce="n", stale=TRUE"#))
            .unwrap();
    assert!(stale.stale);

    // RFC 8760: with several challenges, the strongest supported one wins.
    let offered = [
        challenge(r#"Digest realm="r", nonce="n1", algorithm=MD5"#),
        challenge(r#"Digest realm="r", nonce="n2", algorithm=SHA-512-256"#),
        challenge(r#"Digest realm="r", nonce="n3", algorithm=SHA-256"#),
    ];
    let (_, picked) = pick_challenge(&offered).unwrap();
    assert_eq!(
        (picked.algorithm, picked.nonce.as_str()),
        (Algorithm::Sha256, "n3")
    );
    assert!(pick_challenge(&[challenge(r#"Basic realm="r""#)]).is_none());
}
