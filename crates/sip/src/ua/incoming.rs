//! What the driver reads from an incoming INVITE for [`super::UaEvent::Incoming`]: auto answer
//! (`Call-Info: <…>;answer-after=0`), the `X-*` headers (`X-CCC-JobId`…), the user part of an address.
//! All tolerant: a header that does not parse is skipped, never an error.

use crate::header::{Header, Headers};
use crate::uri::Uri;

/// The header carrying the emulator's job id.
pub const JOB_ID_HEADER: &str = "X-CCC-JobId";

/// Whether the request asks to be answered at once: a `Call-Info` value with `answer-after=0`
/// (RFC 7462 style, as the emulator sends for the agent's own outbound leg and for supervisors).
/// Tolerant of case, spaces around `;` and `=`, a quoted value, several values in one line or
/// several lines, and a missing `<uri>`.
pub fn auto_answer(headers: &Headers) -> bool {
    headers.iter().any(|h| match h {
        Header::Other { name, value } if name.eq_ignore_ascii_case("Call-Info") => {
            top_level(value, b',').any(answers_now)
        }
        _ => false,
    })
}

/// One Call-Info value: its parameters (after the `<uri>` if any) hold `answer-after=0`.
fn answers_now(entry: &str) -> bool {
    let params = match entry.rfind('>') {
        Some(i) => &entry[i + 1..],
        None => entry,
    };
    top_level(params, b';').any(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim().eq_ignore_ascii_case("answer-after")
            && v.trim().trim_matches('"').trim().parse::<u32>() == Ok(0)
    })
}

/// Splits `s` at `sep` outside `<…>` and quoted strings.
fn top_level(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut start, mut angle, mut quoted, mut escaped) = (0, false, false, false);
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' if !angle => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            _ if b == sep && !angle && !quoted => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter()
}

/// The `X-*` headers of a message, in order, names as written and values trimmed.
pub fn x_headers(headers: &Headers) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|h| match h {
            Header::Other { name, value }
                if name.len() > 2 && name[..2].eq_ignore_ascii_case("x-") =>
            {
                Some((name.clone(), value.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The `X-CCC-JobId` value among headers as [`super::UaEvent::Incoming`] carries them (name
/// compared without case); `None` when absent or empty.
pub fn job_id(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(JOB_ID_HEADER))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The user part of an address: a `sip:` URI's user with escapes decoded (lossy UTF-8), a `tel:`
/// number without its parameters, `""` when there is none.
pub fn uri_user(uri: &Uri) -> String {
    match uri {
        Uri::Sip(u) => u
            .user_decoded()
            .map(|b| crate::scan::lossy(&b))
            .unwrap_or_default(),
        Uri::Other { rest, .. } => rest.split(';').next().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> Headers {
        lines.iter().map(|l| Header::parse(l).unwrap()).collect()
    }

    #[test]
    fn auto_answer_is_read_tolerantly() {
        let yes = [
            "Call-Info: <sip:example.com>;answer-after=0",
            "call-info: <sip:example.com> ; Answer-After = 0",
            "Call-Info: <sip:x>;purpose=info, <sip:example.com>;answer-after=\"0\"",
            "Call-Info: ;answer-after=0",
            "Call-Info: answer-after=0",
            "Call-Info: <sip:a;answer-after=5>;answer-after=00",
        ];
        for line in yes {
            assert!(auto_answer(&headers(&[line])), "{line}");
        }
        let no = [
            "Call-Info: <sip:example.com>;answer-after=5",
            "Call-Info: <sip:a;answer-after=0>",
            "Call-Info: <sip:example.com>;purpose=icon",
            "Call-Info: \"x;answer-after=0\"",
            "Call-Info: <sip:example.com>;answer-after",
            "Alert-Info: <sip:example.com>;answer-after=0",
        ];
        for line in no {
            assert!(!auto_answer(&headers(&[line])), "{line}");
        }
        // A second line counts too.
        assert!(auto_answer(&headers(&[
            "Call-Info: <sip:x>;purpose=info",
            "Call-Info: <sip:y>;answer-after=0",
        ])));
    }

    #[test]
    fn x_headers_and_the_job_id() {
        let h = headers(&[
            "Subject: hi",
            "X-CCC-JobId: job-1",
            "x-ccc-campaign: 7",
            "X-: odd",
        ]);
        let x = x_headers(&h);
        assert_eq!(
            x,
            [
                ("X-CCC-JobId".to_owned(), "job-1".to_owned()),
                ("x-ccc-campaign".to_owned(), "7".to_owned()),
            ]
        );
        assert_eq!(job_id(&x), Some("job-1"));
        assert_eq!(job_id(&[("x-ccc-jobid".into(), " j2 ".into())]), Some("j2"));
        assert_eq!(job_id(&[("X-CCC-JobId".into(), "".into())]), None);
        assert_eq!(job_id(&[]), None);
    }

    #[test]
    fn user_parts() {
        assert_eq!(
            uri_user(&Uri::parse("sip:%2B1555@example.com").unwrap()),
            "+1555"
        );
        assert_eq!(uri_user(&Uri::parse("sip:example.com").unwrap()), "");
        assert_eq!(
            uri_user(&Uri::parse("tel:+15551234;phone-context=x").unwrap()),
            "+15551234"
        );
    }
}
