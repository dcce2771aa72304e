//! Percent-encoding of both signature versions (§2.1 step 2): UTF-8, keep `A–Z a–z 0–9 - _ . ~`, everything
//! else `%XY` with upper-case hex (space → `%20`, `*` → `%2A`, `/` → `%2F`).

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but the RFC 3986 unreserved characters.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` per §2.1.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RESERVED).to_string()
}

/// Decodes `%XY` escapes (invalid UTF-8 is replaced). `+` stays `+`: this is the signature's encoding, not
/// form encoding.
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `a=1&b=2` of a query string (`+` and `%XY` decoded, as browsers and form encoders produce them), in order,
/// duplicates kept.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// `name=value&…` of `params`, each percent-encoded per §2.1, in the given order.
pub fn form_string(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonicalized query string of both versions: names and values percent-encoded, sorted by encoded name
/// (then value), joined `name=value` with `&`.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    encoded.sort();
    encoded
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_rules_of_the_spec() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("/"), "%2F");
        assert_eq!(percent_encode("+"), "%2B");
        assert_eq!(percent_encode("!'()"), "%21%27%28%29");
        assert_eq!(percent_encode(":"), "%3A");
        assert_eq!(percent_encode("%3A"), "%253A");
        assert_eq!(percent_encode("坐席"), "%E5%9D%90%E5%B8%AD");
        assert_eq!(percent_encode("[\"a@b\"]"), "%5B%22a%40b%22%5D");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn decode_and_parse() {
        assert_eq!(percent_decode("%E5%9D%90%20a+b"), "坐 a+b");
        assert_eq!(
            parse_query("a=1&b=x+y&c&d=%2A&&a=2"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into()),
                ("d".into(), "*".into()),
                ("a".into(), "2".into())
            ]
        );
        let p = vec![("b".to_owned(), "2 *".to_owned()), ("a".into(), "~".into())];
        assert_eq!(form_string(&p), "b=2%20%2A&a=~");
        assert_eq!(canonical_query(&p), "a=~&b=2%20%2A");
        assert_eq!(parse_query(&form_string(&p)), p);
    }
}
