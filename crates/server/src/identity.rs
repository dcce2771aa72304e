//! Who is calling `/data/api.json`: the host page's backend would know from its session; the emulator reads the
//! `X-CCC-User` header (set it with the SDK's `ajaxHeaders`), else the `ccc_user` cookie, else it takes the first
//! configured agent. A `UserId` in the request itself wins over all three (the shared-AK proxy style).

use axum::http::HeaderMap;

/// Header naming the calling agent.
pub const USER_HEADER: &str = "x-ccc-user";
/// Cookie naming the calling agent.
pub const USER_COOKIE: &str = "ccc_user";

/// The agent named by the request's header or cookie, if any.
pub(crate) fn caller(headers: &HeaderMap) -> Option<String> {
    let header = headers
        .get(USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if let Some(user) = header {
        return Some(user.to_owned());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == USER_COOKIE)
        .map(|(_, value)| percent_decode(value.trim().trim_matches('"')))
        .filter(|v| !v.is_empty())
}

/// Decodes `%XX` escapes (cookie values such as `agent1%40ccc-demo`).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn header_then_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(caller(&h), None);
        h.insert(
            "cookie",
            HeaderValue::from_static("a=1; ccc_user=agent2%40ccc-demo"),
        );
        assert_eq!(caller(&h).as_deref(), Some("agent2@ccc-demo"));
        h.insert(USER_HEADER, HeaderValue::from_static("agent3@ccc-demo"));
        assert_eq!(caller(&h).as_deref(), Some("agent3@ccc-demo"));
    }
}
