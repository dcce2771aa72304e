//! The proxy's request guards besides identity: cross-site protection (an Origin allow-list for
//! state-changing requests), CORS for configured host origins, and the per-agent rate limit.
//!
//! # Cross-site protection
//! A request is *state-changing* unless it is a `GET`/`HEAD` of a read-only action (`Get*`, `List*`,
//! `PollUserStatus`): every `POST` is checked (the SDK posts reads too, and a host origin must be configured
//! for CORS anyway). For those, the request's origin — the `Origin` header, or when it is absent the origin
//! of `Referer` — must be the server's own (`http(s)://<Host>`) or one of `allowed_origins`; otherwise 403
//! `Forbidden.Origin`. `Origin: null` (sandboxed frames, `Referrer-Policy: no-referrer` form posts) is never
//! allowed.
//!
//! With neither header the request cannot come from a modern browser's cross-site form or fetch (browsers
//! send `Origin` on every cross-origin request and every `POST`). It is allowed only when its credential
//! cannot be ambient: a token in `Authorization: Bearer` (a browser never attaches one by itself) or the
//! trusted reverse proxy's identity header (that proxy vouches for the request). A JWT that came in a
//! cookie, which a browser attaches by itself, needs an `Origin` or `Referer`.
//!
//! # CORS
//! Only origins in `allowed_origins` get CORS headers: a preflight (`OPTIONS` with
//! `Access-Control-Request-Method` GET or POST) is answered 204 with `Access-Control-Allow-Origin: <origin>`,
//! `Access-Control-Allow-Credentials: true`, the methods and the allowed request headers (`Content-Type`, and
//! the identity header: `Authorization` in jwt mode, the configured header in trusted-header mode); every
//! answer to such an origin carries the origin and credentials headers. Any other origin's preflight gets 403
//! `Forbidden.Origin` without CORS headers, and its answers none.
//!
//! # Rate limit
//! A token bucket per authenticated agent: `rate_limit_per_minute` tokens, refilled continuously at that rate
//! per minute; an empty bucket → 429 `Throttling.User` with `Retry-After`. The time source is a [`Clock`] so
//! tests can advance it instead of sleeping.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, Method};

use super::config::IdentityConfig;

/// A monotonic time source in milliseconds: the system's, or a manual one tests advance.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicU64>>);

impl Clock {
    /// The system's monotonic clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock standing at 0 that moves only by [`Clock::advance`].
    pub fn manual() -> Clock {
        Clock(Some(Arc::new(AtomicU64::new(0))))
    }

    /// Moves a manual clock forward (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Some(ms) = &self.0 {
            ms.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
        }
    }

    /// Milliseconds since an arbitrary start.
    pub fn now_ms(&self) -> u64 {
        match &self.0 {
            Some(ms) => ms.load(Ordering::SeqCst),
            None => {
                static START: OnceLock<Instant> = OnceLock::new();
                START.get_or_init(Instant::now).elapsed().as_millis() as u64
            }
        }
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Clock {}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::System"),
            Some(ms) => write!(f, "Clock::Manual({} ms)", ms.load(Ordering::SeqCst)),
        }
    }
}

/// Whether `action` (the OpenAPI's name) only reads.
pub(crate) fn read_only(action: &str) -> bool {
    action.starts_with("Get") || action.starts_with("List") || action == "PollUserStatus"
}

/// Whether a request must pass the Origin check.
pub(crate) fn state_changing(method: &Method, action: &str) -> bool {
    !(matches!(*method, Method::GET | Method::HEAD) && read_only(action))
}

/// How the agent was authenticated, for the no-Origin rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    /// The trusted reverse proxy's header.
    TrustedHeader,
    /// `Authorization: Bearer`.
    Bearer,
    /// A cookie (attached by browsers on their own).
    Cookie,
}

/// The outcome of the Origin check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginCheck {
    /// Allowed.
    Allowed,
    /// Refused: the origin (or why), for the audit line and the message.
    Refused(String),
}

/// `scheme://host[:port]` of a URL or origin text, normalised; `None` for `null` or garbage.
pub(crate) fn normalise_origin(text: &str) -> Option<String> {
    let url = reqwest::Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.host_str()?;
    Some(url.origin().ascii_serialization())
}

/// The request's origin: `Origin`, else the origin of `Referer`. `Some(None)` when a header is present but
/// no origin (`null`, garbage); `None` when neither header is.
fn request_origin(headers: &HeaderMap) -> Option<Option<String>> {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("").trim().to_owned())
    };
    text(header::ORIGIN)
        .or_else(|| text(header::REFERER))
        .map(|t| normalise_origin(&t))
}

/// Whether `origin` is the server's own: `http(s)://<Host>`.
fn is_own_origin(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    ["http", "https"]
        .iter()
        .filter_map(|scheme| normalise_origin(&format!("{scheme}://{}", host.trim())))
        .any(|own| own == origin)
}

/// The cross-site check of a state-changing request.
pub(crate) fn check_origin(
    headers: &HeaderMap,
    allowed: &[String],
    credential: Credential,
) -> OriginCheck {
    match request_origin(headers) {
        None => match credential {
            Credential::Bearer | Credential::TrustedHeader => OriginCheck::Allowed,
            Credential::Cookie => OriginCheck::Refused("no Origin or Referer".into()),
        },
        Some(None) => OriginCheck::Refused("an opaque origin".into()),
        Some(Some(origin)) => {
            if allowed.contains(&origin) || is_own_origin(&origin, headers) {
                OriginCheck::Allowed
            } else {
                OriginCheck::Refused(origin)
            }
        }
    }
}

/// The `Origin` of a request if it is one of the configured (CORS) origins.
pub(crate) fn cors_origin(headers: &HeaderMap, allowed: &[String]) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let normal = normalise_origin(origin)?;
    allowed
        .contains(&normal)
        .then(|| HeaderValue::from_str(origin.trim()).ok())
        .flatten()
}

/// Adds the CORS answer headers for an allowed `origin`.
pub(crate) fn add_cors(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
}

/// Adds the preflight headers (methods, request headers, max age).
pub(crate) fn add_preflight(headers: &mut HeaderMap, identity: &IdentityConfig) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    let identity_header = match identity {
        IdentityConfig::Jwt { .. } => "Authorization".to_owned(),
        IdentityConfig::TrustedHeader { header, .. } => header.clone(),
    };
    if let Ok(v) = HeaderValue::from_str(&format!("Content-Type, {identity_header}")) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
}

/// Whether a preflight asks for a method the API answers.
pub(crate) fn preflight_method_ok(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| matches!(m.trim(), "GET" | "POST"))
}

/// Token buckets per agent.
pub(crate) struct RateLimiter {
    per_minute: u32,
    clock: Clock,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// A bucket's level in units of 1/60000 token: refilling `per_minute` tokens a minute is then exactly
/// `per_minute` units a millisecond (integers, no rounding drift).
#[derive(Clone, Copy)]
struct Bucket {
    units: u64,
    at_ms: u64,
}

/// Units of one token.
const TOKEN: u64 = 60_000;
/// Buckets kept before full ones are forgotten.
const MAX_BUCKETS: usize = 10_000;

impl RateLimiter {
    pub(crate) fn new(per_minute: u32, clock: Clock) -> RateLimiter {
        RateLimiter {
            per_minute,
            clock,
            buckets: Mutex::default(),
        }
    }

    /// Takes a token of `agent`'s bucket: `Ok`, or `Err(seconds until one is back)`.
    pub(crate) fn take(&self, agent: &str) -> Result<(), u64> {
        let now = self.clock.now_ms();
        let rate = u64::from(self.per_minute);
        let capacity = rate * TOKEN;
        let level = |b: &Bucket| {
            b.units
                .saturating_add(now.saturating_sub(b.at_ms).saturating_mul(rate))
                .min(capacity)
        };
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(agent) {
            buckets.retain(|_, b| level(b) < capacity);
        }
        let bucket = buckets.entry(agent.to_owned()).or_insert(Bucket {
            units: capacity,
            at_ms: now,
        });
        bucket.units = level(bucket);
        bucket.at_ms = now;
        if bucket.units >= TOKEN {
            bucket.units -= TOKEN;
            Ok(())
        } else {
            let wait_ms = (TOKEN - bucket.units).div_ceil(rate);
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn which_requests_are_state_changing() {
        assert!(!state_changing(&Method::GET, "GetLoginDetails"));
        assert!(!state_changing(&Method::GET, "ListAgentStates"));
        assert!(!state_changing(&Method::GET, "PollUserStatus"));
        assert!(state_changing(&Method::GET, "ReadyForService"));
        assert!(state_changing(&Method::GET, "MakeCall"));
        assert!(state_changing(&Method::POST, "PollUserStatus"));
        assert!(state_changing(&Method::POST, "SignInGroup"));
    }

    #[test]
    fn origin_rules() {
        let allowed = vec!["https://crm.example.com".to_owned()];
        let check = |pairs: &[(&'static str, &str)], c| check_origin(&headers(pairs), &allowed, c);
        let host = ("host", "ccc.example.com:8443");
        assert_eq!(
            check(
                &[host, ("origin", "https://crm.example.com")],
                Credential::Cookie
            ),
            OriginCheck::Allowed
        );
        assert_eq!(
            check(
                &[host, ("origin", "https://CRM.example.com:443")],
                Credential::Cookie
            ),
            OriginCheck::Allowed
        );
        assert_eq!(
            check(
                &[host, ("origin", "https://ccc.example.com:8443")],
                Credential::Cookie
            ),
            OriginCheck::Allowed,
            "own origin"
        );
        assert_eq!(
            check(
                &[host, ("origin", "https://evil.example")],
                Credential::Bearer
            ),
            OriginCheck::Refused("https://evil.example".into())
        );
        assert_eq!(
            check(
                &[host, ("origin", "https://crm.example.com.evil.example")],
                Credential::Cookie
            ),
            OriginCheck::Refused("https://crm.example.com.evil.example".into())
        );
        assert!(matches!(
            check(&[host, ("origin", "null")], Credential::TrustedHeader),
            OriginCheck::Refused(_)
        ));
        // Referer when Origin is absent; Origin wins when both are there.
        assert_eq!(
            check(
                &[host, ("referer", "https://crm.example.com/app?x=1")],
                Credential::Cookie
            ),
            OriginCheck::Allowed
        );
        assert!(matches!(
            check(
                &[
                    host,
                    ("origin", "https://evil.example"),
                    ("referer", "https://crm.example.com/")
                ],
                Credential::Cookie
            ),
            OriginCheck::Refused(_)
        ));
        // Neither: only credentials a browser does not attach by itself.
        assert_eq!(check(&[host], Credential::Bearer), OriginCheck::Allowed);
        assert_eq!(
            check(&[host], Credential::TrustedHeader),
            OriginCheck::Allowed
        );
        assert!(matches!(
            check(&[host], Credential::Cookie),
            OriginCheck::Refused(_)
        ));
    }

    #[test]
    fn cors_only_for_configured_origins() {
        let allowed = vec!["http://127.0.0.1:9000".to_owned()];
        assert_eq!(
            cors_origin(&headers(&[("origin", "http://127.0.0.1:9000")]), &allowed),
            Some(HeaderValue::from_static("http://127.0.0.1:9000"))
        );
        assert_eq!(
            cors_origin(&headers(&[("origin", "http://127.0.0.1:9001")]), &allowed),
            None
        );
        assert_eq!(cors_origin(&headers(&[]), &allowed), None);
    }

    #[test]
    fn token_bucket_refills_with_the_clock() {
        let clock = Clock::manual();
        let limiter = RateLimiter::new(60, clock.clone());
        for _ in 0..60 {
            limiter.take("a").unwrap();
        }
        assert_eq!(limiter.take("a"), Err(1));
        limiter.take("b").expect("buckets are per agent");
        clock.advance(Duration::from_millis(999));
        assert_eq!(limiter.take("a"), Err(1));
        clock.advance(Duration::from_millis(1));
        limiter.take("a").unwrap();
        assert!(limiter.take("a").is_err());
        // Never more than the capacity, however long the pause.
        clock.advance(Duration::from_secs(3600));
        for _ in 0..60 {
            limiter.take("a").unwrap();
        }
        assert!(limiter.take("a").is_err());
        assert_eq!(Clock::system(), Clock::system());
        assert_ne!(Clock::manual(), Clock::manual());
        assert_eq!(clock, clock.clone());
    }
}
