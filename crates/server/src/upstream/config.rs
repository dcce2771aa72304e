//! Upstream configuration: environment variables or an owner-only TOML file, never command-line values
//! (other users of the machine can read a process's arguments).
//!
//! | TOML key | environment variable | meaning |
//! |---|---|---|
//! | `access_key_id` | `CCC_ACCESS_KEY_ID` | AccessKeyId (required) |
//! | `access_key_secret` | `CCC_ACCESS_KEY_SECRET` | AccessKeySecret (required) |
//! | `region` | `CCC_REGION` | region id, default `cn-shanghai` |
//! | `endpoint` | `CCC_ENDPOINT` | host or URL, default `ccc.<region>.aliyuncs.com` (https); `http://` only to loopback |
//! | `instance_id` | `CCC_INSTANCE_ID` | the CCC instance (required); overwrites `InstanceId` of every request |
//! | `signature` | `CCC_SIGNATURE` | `v3` (default, ACS3-HMAC-SHA256) or `v1` (HMAC-SHA1) |
//! | `timeout_ms` | `CCC_TIMEOUT_MS` | upstream timeout, default 10000 |
//! | `identity.mode` | `CCC_IDENTITY` | `trusted-header` or `jwt` (required) |
//! | `identity.header` | `CCC_IDENTITY_HEADER` | trusted-header: the header naming the agent, default `X-Forwarded-User` |
//! | `identity.trusted_proxies` | `CCC_TRUSTED_PROXIES` | trusted-header: addresses/CIDRs allowed to set it (comma-separated in the variable) |
//! | `identity.jwt_secret` | `CCC_JWT_SECRET` | jwt: HS256 key, at least 32 bytes |
//! | `identity.jwt_cookie` | `CCC_JWT_COOKIE` | jwt: cookie carrying the token, default `ccc_token` (or `Authorization: Bearer`) |
//! | `allowed_origins` | `CCC_ALLOWED_ORIGINS` | origins (`https://crm.example.com`) allowed to send state-changing requests and to call cross-origin with credentials (CORS); the server's own origin always is (comma-separated in the variable) |
//! | `max_body_bytes` | `CCC_MAX_BODY_BYTES` | largest request (body, or query of a GET), default 1048576 → 413 |
//! | `rate_limit_per_minute` | `CCC_RATE_LIMIT_PER_MINUTE` | requests per authenticated agent per minute (token bucket, bursts up to this many), default 600 → 429 |
//!
//! A variable that is set overrides the file's key. Upstream mode is on when `--upstream-config` is given or
//! `CCC_ACCESS_KEY_ID`/`CCC_ACCESS_KEY_SECRET` is set.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use ccc_sign::{AccessKeySecret, Credentials};
use serde::Deserialize;

use crate::error::ConfigError;

/// Default of `max_body_bytes`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default of `rate_limit_per_minute`.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 600;

/// Which signature the proxy sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` headers.
    V3,
    /// HMAC-SHA1 RPC parameters.
    V1,
}

/// An address or a CIDR block (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `v6/n`.
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { net, prefix })
    }

    /// Whether `ip` is in the block (IPv4-mapped IPv6 peers count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// How the proxy learns which agent is calling.
#[derive(Clone, PartialEq, Eq)]
pub enum IdentityConfig {
    /// A header set by a reverse proxy in front, believed only from `trusted` peers.
    TrustedHeader {
        /// Header name (lower-case).
        header: String,
        /// Peers allowed to set it.
        trusted: Vec<Cidr>,
    },
    /// An HS256 JWT (`sub` = UserId, `exp` required) in `cookie` or `Authorization: Bearer`.
    Jwt {
        /// The HMAC key.
        secret: AccessKeySecret,
        /// Cookie name.
        cookie: String,
    },
}

impl std::fmt::Debug for IdentityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentityConfig::TrustedHeader { header, trusted } => f
                .debug_struct("TrustedHeader")
                .field("header", header)
                .field("trusted", trusted)
                .finish(),
            IdentityConfig::Jwt { secret, cookie } => f
                .debug_struct("Jwt")
                .field("secret", secret)
                .field("cookie", cookie)
                .finish(),
        }
    }
}

/// Everything upstream mode needs. `Debug` shows no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamConfig {
    /// The AccessKey pair.
    pub credentials: Credentials,
    /// Region id.
    pub region: String,
    /// The OpenAPI endpoint URL (`https://ccc.<region>.aliyuncs.com/`).
    pub endpoint: String,
    /// The instance every request is bound to.
    pub instance_id: String,
    /// Signature version.
    pub signature: SignatureVersion,
    /// Upstream timeout.
    pub timeout: Duration,
    /// Identity binding.
    pub identity: IdentityConfig,
    /// Other origins allowed to send state-changing requests and to call with credentials (CORS), as
    /// `scheme://host[:port]` (default ports dropped). The server's own origin is always allowed.
    pub allowed_origins: Vec<String>,
    /// Largest request body (or query of a GET) accepted → 413.
    pub max_body_bytes: usize,
    /// Requests per authenticated agent and minute → 429.
    pub rate_limit_per_minute: u32,
}

/// The raw keys, from the file and/or the environment.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    instance_id: Option<String>,
    signature: Option<String>,
    timeout_ms: Option<u64>,
    allowed_origins: Option<Vec<String>>,
    max_body_bytes: Option<u64>,
    rate_limit_per_minute: Option<u64>,
    #[serde(default)]
    identity: RawIdentity,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    mode: Option<String>,
    header: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    jwt_secret: Option<String>,
    jwt_cookie: Option<String>,
}

/// Environment variables read, for `--help` and the README.
pub const ENV_VARS: &[&str] = &[
    "CCC_ACCESS_KEY_ID",
    "CCC_ACCESS_KEY_SECRET",
    "CCC_REGION",
    "CCC_ENDPOINT",
    "CCC_INSTANCE_ID",
    "CCC_SIGNATURE",
    "CCC_TIMEOUT_MS",
    "CCC_IDENTITY",
    "CCC_IDENTITY_HEADER",
    "CCC_TRUSTED_PROXIES",
    "CCC_JWT_SECRET",
    "CCC_JWT_COOKIE",
    "CCC_ALLOWED_ORIGINS",
    "CCC_MAX_BODY_BYTES",
    "CCC_RATE_LIMIT_PER_MINUTE",
];

fn bad(msg: impl Into<String>) -> ConfigError {
    ConfigError::Upstream(msg.into())
}

impl UpstreamConfig {
    /// The configuration from `file` (if given) and the environment (`env` looks a variable up); `None` when
    /// upstream mode is off (no file, no `CCC_ACCESS_KEY_ID`/`CCC_ACCESS_KEY_SECRET`).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<UpstreamConfig>, ConfigError> {
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let mut raw = match file {
            Some(path) => read_private_file(path)?,
            None if env("CCC_ACCESS_KEY_ID").is_some()
                || env("CCC_ACCESS_KEY_SECRET").is_some() =>
            {
                Raw::default()
            }
            None => return Ok(None),
        };
        let set = |slot: &mut Option<String>, name: &str| {
            if let Some(v) = env(name) {
                *slot = Some(v);
            }
        };
        set(&mut raw.access_key_id, "CCC_ACCESS_KEY_ID");
        set(&mut raw.access_key_secret, "CCC_ACCESS_KEY_SECRET");
        set(&mut raw.region, "CCC_REGION");
        set(&mut raw.endpoint, "CCC_ENDPOINT");
        set(&mut raw.instance_id, "CCC_INSTANCE_ID");
        set(&mut raw.signature, "CCC_SIGNATURE");
        let number = |name: &str, what: &str| -> Result<Option<u64>, ConfigError> {
            env(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| bad(format!("{name} must be {what}, not {v:?}")))
                })
                .transpose()
        };
        if let Some(n) = number("CCC_TIMEOUT_MS", "a number of milliseconds")? {
            raw.timeout_ms = Some(n);
        }
        if let Some(n) = number("CCC_MAX_BODY_BYTES", "a number of bytes")? {
            raw.max_body_bytes = Some(n);
        }
        if let Some(n) = number("CCC_RATE_LIMIT_PER_MINUTE", "a number of requests")? {
            raw.rate_limit_per_minute = Some(n);
        }
        if let Some(v) = env("CCC_ALLOWED_ORIGINS") {
            raw.allowed_origins = Some(
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
            );
        }
        set(&mut raw.identity.mode, "CCC_IDENTITY");
        set(&mut raw.identity.header, "CCC_IDENTITY_HEADER");
        set(&mut raw.identity.jwt_secret, "CCC_JWT_SECRET");
        set(&mut raw.identity.jwt_cookie, "CCC_JWT_COOKIE");
        if let Some(v) = env("CCC_TRUSTED_PROXIES") {
            raw.identity.trusted_proxies =
                Some(v.split(',').map(|s| s.trim().to_owned()).collect());
        }
        raw.build().map(Some)
    }

    /// The configuration from TOML text alone (tests, embedding).
    pub fn from_toml_str(text: &str) -> Result<UpstreamConfig, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: "<upstream config>".into(),
            source: e,
        })?;
        raw.build()
    }
}

/// Reads the TOML file, refusing one that group or others may read or write.
fn read_private_file(path: &Path) -> Result<Raw, ConfigError> {
    let meta = std::fs::metadata(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(bad(format!(
                "{} holds the AccessKeySecret but its mode is {mode:o}: group/others may access it. \
                 Run `chmod 600 {}` and start again.",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Toml {
        path: path.display().to_string(),
        source: e,
    })
}

impl Raw {
    fn build(self) -> Result<UpstreamConfig, ConfigError> {
        let required = |v: Option<String>, key: &str, var: &str| {
            v.map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    bad(format!(
                        "upstream mode needs {key} (or the environment variable {var})"
                    ))
                })
        };
        let access_key_id = required(self.access_key_id, "access_key_id", "CCC_ACCESS_KEY_ID")?;
        let secret = required(
            self.access_key_secret,
            "access_key_secret",
            "CCC_ACCESS_KEY_SECRET",
        )?;
        let instance_id = required(self.instance_id, "instance_id", "CCC_INSTANCE_ID")?;
        let region = self
            .region
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "cn-shanghai".into());
        if !region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(bad(format!("region {region:?} is not a region id")));
        }
        let endpoint = endpoint_url(
            self.endpoint
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .unwrap_or(&format!("ccc.{region}.aliyuncs.com")),
        )?;
        let signature = match self.signature.as_deref().map(str::trim) {
            None | Some("") | Some("v3") | Some("V3") => SignatureVersion::V3,
            Some("v1") | Some("V1") => SignatureVersion::V1,
            Some(other) => return Err(bad(format!("signature must be v3 or v1, not {other:?}"))),
        };
        let timeout_ms = self.timeout_ms.unwrap_or(10_000);
        if timeout_ms == 0 {
            return Err(bad("timeout_ms must be positive"));
        }
        let identity = self.identity.build()?;
        let allowed_origins = self
            .allowed_origins
            .unwrap_or_default()
            .iter()
            .map(|o| origin_of_config(o))
            .collect::<Result<Vec<_>, _>>()?;
        let max_body_bytes = match self.max_body_bytes {
            None => DEFAULT_MAX_BODY_BYTES,
            Some(0) => return Err(bad("max_body_bytes must be positive")),
            Some(n) => usize::try_from(n).map_err(|_| bad("max_body_bytes is too large"))?,
        };
        let rate_limit_per_minute = match self.rate_limit_per_minute {
            None => DEFAULT_RATE_LIMIT_PER_MINUTE,
            Some(0) => return Err(bad("rate_limit_per_minute must be positive")),
            Some(n) => u32::try_from(n).map_err(|_| bad("rate_limit_per_minute is too large"))?,
        };
        Ok(UpstreamConfig {
            credentials: Credentials::new(access_key_id, secret),
            region,
            endpoint,
            instance_id,
            signature,
            timeout: Duration::from_millis(timeout_ms),
            identity,
            allowed_origins,
            max_body_bytes,
            rate_limit_per_minute,
        })
    }
}

impl RawIdentity {
    fn build(self) -> Result<IdentityConfig, ConfigError> {
        match self.mode.as_deref().map(str::trim) {
            Some("trusted-header") => {
                let header = self
                    .header
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .unwrap_or_else(|| "x-forwarded-user".into());
                if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
                    return Err(bad(format!("identity.header {header:?} is not a header name")));
                }
                let list = self.trusted_proxies.unwrap_or_default();
                let trusted = list
                    .iter()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Cidr::parse(s).ok_or_else(|| bad(format!("trusted proxy {s:?} is not an IP address or CIDR"))))
                    .collect::<Result<Vec<_>, _>>()?;
                if trusted.is_empty() {
                    return Err(bad(
                        "identity mode trusted-header needs identity.trusted_proxies (CCC_TRUSTED_PROXIES): \
                         the addresses of the reverse proxy that sets the header",
                    ));
                }
                Ok(IdentityConfig::TrustedHeader { header, trusted })
            }
            Some("jwt") => {
                let secret = self.jwt_secret.unwrap_or_default();
                if secret.len() < 32 {
                    return Err(bad(
                        "identity mode jwt needs identity.jwt_secret (CCC_JWT_SECRET) of at least 32 bytes",
                    ));
                }
                let cookie = self
                    .jwt_cookie
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "ccc_token".into());
                Ok(IdentityConfig::Jwt {
                    secret: AccessKeySecret::new(secret),
                    cookie,
                })
            }
            None | Some("") => Err(bad(
                "upstream mode needs an identity mode: identity.mode (CCC_IDENTITY) = \"trusted-header\" or \"jwt\"",
            )),
            Some(other) => Err(bad(format!(
                "identity mode must be trusted-header or jwt, not {other:?}"
            ))),
        }
    }
}

/// A configured origin, normalised (`https://CRM.example.com:443` → `https://crm.example.com`); a path other
/// than `/`, a query, user info or `*` is refused.
fn origin_of_config(text: &str) -> Result<String, ConfigError> {
    let text = text.trim();
    let refuse = |why: &str| {
        bad(format!(
            "allowed origin {text:?} {why}: write scheme://host[:port], e.g. https://crm.example.com"
        ))
    };
    if text == "*" || text.eq_ignore_ascii_case("null") {
        return Err(refuse("is not allowed (credentials need exact origins)"));
    }
    let url = reqwest::Url::parse(text).map_err(|_| refuse("is not an origin"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(refuse("is not an http(s) origin"));
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        return Err(refuse("has more than scheme, host and port"));
    }
    Ok(url.origin().ascii_serialization())
}

/// `host` → `https://host/`; a URL is kept, but `http://` only to a loopback host.
fn endpoint_url(endpoint: &str) -> Result<String, ConfigError> {
    let text = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("https://{endpoint}/")
    };
    let url = reqwest::Url::parse(&text)
        .map_err(|e| bad(format!("endpoint {endpoint:?} is not a host or URL: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| bad(format!("endpoint {endpoint:?} has no host")))?;
    let loopback = host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        s => {
            return Err(bad(format!(
                "endpoint {endpoint:?}: scheme {s} is not allowed (https, or http to a loopback address only)"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad(format!(
            "endpoint {endpoint:?} must not carry a query, fragment or user"
        )));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const JWT_KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn off_without_key_or_file() {
        assert_eq!(UpstreamConfig::load(None, env(&[])).unwrap(), None);
        assert_eq!(
            UpstreamConfig::load(None, env(&[("CCC_REGION", "cn-beijing")])).unwrap(),
            None
        );
    }

    #[test]
    fn from_environment_with_defaults() {
        let c = UpstreamConfig::load(
            None,
            env(&[
                ("CCC_ACCESS_KEY_ID", "LTAIxxx"),
                ("CCC_ACCESS_KEY_SECRET", "very-secret"),
                ("CCC_INSTANCE_ID", "ccc-prod"),
                ("CCC_IDENTITY", "jwt"),
                ("CCC_JWT_SECRET", JWT_KEY),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.region, "cn-shanghai");
        assert_eq!(c.endpoint, "https://ccc.cn-shanghai.aliyuncs.com/");
        assert_eq!(c.signature, SignatureVersion::V3);
        assert_eq!(c.timeout, Duration::from_secs(10));
        assert_eq!(c.credentials.access_key_id, "LTAIxxx");
        assert!(matches!(&c.identity, IdentityConfig::Jwt { cookie, .. } if cookie == "ccc_token"));
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("very-secret") && !dbg.contains(JWT_KEY),
            "{dbg}"
        );

        let c = UpstreamConfig::load(
            None,
            env(&[
                ("CCC_ACCESS_KEY_ID", "id"),
                ("CCC_ACCESS_KEY_SECRET", "s"),
                ("CCC_INSTANCE_ID", "i"),
                ("CCC_REGION", "cn-beijing"),
                ("CCC_SIGNATURE", "v1"),
                ("CCC_TIMEOUT_MS", "2500"),
                ("CCC_IDENTITY", "trusted-header"),
                ("CCC_IDENTITY_HEADER", "X-Auth-User"),
                ("CCC_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.endpoint, "https://ccc.cn-beijing.aliyuncs.com/");
        assert_eq!(
            (c.signature, c.timeout),
            (SignatureVersion::V1, Duration::from_millis(2500))
        );
        let IdentityConfig::TrustedHeader { header, trusted } = &c.identity else {
            panic!("{c:?}")
        };
        assert_eq!(header, "x-auth-user");
        assert_eq!(trusted.len(), 2);
    }

    #[test]
    fn refuses_incomplete_or_unsafe_settings() {
        let base = [
            ("CCC_ACCESS_KEY_ID", "id"),
            ("CCC_ACCESS_KEY_SECRET", "s"),
            ("CCC_INSTANCE_ID", "i"),
            ("CCC_IDENTITY", "jwt"),
            ("CCC_JWT_SECRET", JWT_KEY),
        ];
        let with = |extra: &[(&'static str, &'static str)], drop: &str| {
            let mut v: Vec<(&str, &str)> =
                base.iter().copied().filter(|(k, _)| *k != drop).collect();
            v.extend_from_slice(extra);
            UpstreamConfig::load(None, env(&v))
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(with(&[], "CCC_ACCESS_KEY_SECRET").contains("CCC_ACCESS_KEY_SECRET"));
        assert!(with(&[], "CCC_INSTANCE_ID").contains("CCC_INSTANCE_ID"));
        assert!(with(&[], "CCC_IDENTITY").contains("identity mode"));
        assert!(with(&[("CCC_JWT_SECRET", "short")], "CCC_JWT_SECRET").contains("32 bytes"));
        assert!(
            with(&[("CCC_IDENTITY", "trusted-header")], "CCC_IDENTITY").contains("trusted_proxies")
        );
        assert!(with(&[("CCC_SIGNATURE", "v2")], "").contains("v3 or v1"));
        assert!(with(&[("CCC_ENDPOINT", "http://ccc.example.com/")], "").contains("not allowed"));
        assert!(with(&[("CCC_ENDPOINT", "ftp://127.0.0.1/")], "").contains("not allowed"));
        assert!(with(&[("CCC_TIMEOUT_MS", "soon")], "").contains("CCC_TIMEOUT_MS"));
        // http to loopback is fine (the emulator's OpenAPI face).
        let v: Vec<(&str, &str)> = base
            .iter()
            .copied()
            .chain([("CCC_ENDPOINT", "http://127.0.0.1:9/openapi/")])
            .collect();
        assert_eq!(
            UpstreamConfig::load(None, env(&v))
                .unwrap()
                .unwrap()
                .endpoint,
            "http://127.0.0.1:9/openapi/"
        );
    }

    #[test]
    fn file_must_be_private_and_env_overrides_it() {
        let dir = std::env::temp_dir().join(format!("wbs-upstream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("upstream.toml");
        std::fs::write(
            &path,
            "access_key_id = \"file-id\"\naccess_key_secret = \"file-secret\"\ninstance_id = \"ccc-file\"\n\
             signature = \"v1\"\ntimeout_ms = 3000\n[identity]\nmode = \"trusted-header\"\ntrusted_proxies = [\"::1\", \"127.0.0.0/8\"]\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = UpstreamConfig::load(Some(&path), env(&[]))
                .unwrap_err()
                .to_string();
            assert!(err.contains("chmod 600") && err.contains("644"), "{err}");
            assert!(!err.contains("file-secret"), "{err}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let c = UpstreamConfig::load(Some(&path), env(&[("CCC_INSTANCE_ID", "ccc-env")]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.credentials.access_key_id.as_str(), c.instance_id.as_str()),
            ("file-id", "ccc-env")
        );
        assert_eq!(
            (c.signature, c.timeout),
            (SignatureVersion::V1, Duration::from_secs(3))
        );
        std::fs::write(&path, "access_key_idd = \"x\"\n").unwrap();
        assert!(UpstreamConfig::load(Some(&path), env(&[])).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn origins_and_limits() {
        let base = [
            ("CCC_ACCESS_KEY_ID", "id"),
            ("CCC_ACCESS_KEY_SECRET", "s"),
            ("CCC_INSTANCE_ID", "i"),
            ("CCC_IDENTITY", "jwt"),
            ("CCC_JWT_SECRET", JWT_KEY),
        ];
        let load = |extra: &[(&'static str, &'static str)]| {
            let mut v: Vec<(&str, &str)> = base.to_vec();
            v.extend_from_slice(extra);
            UpstreamConfig::load(None, env(&v)).map(Option::unwrap)
        };
        let c = load(&[]).unwrap();
        assert_eq!(
            (
                c.allowed_origins.len(),
                c.max_body_bytes,
                c.rate_limit_per_minute
            ),
            (0, 1 << 20, 600)
        );
        let c = load(&[
            (
                "CCC_ALLOWED_ORIGINS",
                "https://CRM.example.com:443, http://127.0.0.1:8081/ ,",
            ),
            ("CCC_MAX_BODY_BYTES", "4096"),
            ("CCC_RATE_LIMIT_PER_MINUTE", "30"),
        ])
        .unwrap();
        assert_eq!(
            c.allowed_origins,
            ["https://crm.example.com", "http://127.0.0.1:8081"]
        );
        assert_eq!((c.max_body_bytes, c.rate_limit_per_minute), (4096, 30));
        for bad in [
            "*",
            "null",
            "crm.example.com",
            "https://crm.example.com/app",
            "ftp://x",
        ] {
            let err = UpstreamConfig::from_toml_str(&format!(
                "access_key_id = \"a\"\naccess_key_secret = \"b\"\ninstance_id = \"i\"\n\
                 allowed_origins = [\"{bad}\"]\n[identity]\nmode = \"jwt\"\njwt_secret = \"{JWT_KEY}\"\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(err.contains("allowed origin"), "{bad}: {err}");
        }
        let err = |extra| load(extra).unwrap_err().to_string();
        assert!(err(&[("CCC_MAX_BODY_BYTES", "0")]).contains("max_body_bytes"));
        assert!(err(&[("CCC_RATE_LIMIT_PER_MINUTE", "0")]).contains("rate_limit_per_minute"));
        assert!(err(&[("CCC_RATE_LIMIT_PER_MINUTE", "lots")]).contains("CCC_RATE_LIMIT_PER_MINUTE"));
    }

    #[test]
    fn cidr_matching() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one = Cidr::parse("127.0.0.1").unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(!v6.contains("10.0.0.1".parse().unwrap()));
        for bad in ["", "10.0.0.0/33", "host", "::1/129", "1.2.3.4/x"] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }
}
