//! The pure part of access points: which one a requested region means ([`choice`], [`find`],
//! [`targets`]), the ICE server entry for it ([`ice_servers`]), and what a measurement says
//! ([`TurnTest`], [`fastest`], [`rounds`]). No browser here; tested natively.

use ccc_wire::turn::{AccessPoint, TurnCredentials};
use serde::Serialize;

use crate::softphone::peer::IceServer;

/// How long one measurement waits for a relay candidate.
pub const TEST_DEADLINE_MS: i32 = 3000;
/// The most rounds `currentFrequence` may ask for.
pub const MAX_ROUNDS: u32 = 10;
/// The region that means "choose automatically".
pub const DEFAULT: &str = "default";

/// What a requested region resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// No TURN: media goes directly.
    Direct,
    /// Measure all access points and use the fastest working one.
    Fastest,
    /// This region (must be in the list).
    Region(String),
}

/// The choice for `requested` (`'default'`, empty or a region) under `isEnableSwitchAdapter`.
pub fn choice(requested: &str, adapter: bool) -> Choice {
    let requested = requested.trim();
    if requested.is_empty() || requested == DEFAULT {
        if adapter {
            Choice::Fastest
        } else {
            Choice::Direct
        }
    } else {
        Choice::Region(requested.to_owned())
    }
}

/// The access point of `region` (exact match, as the contract requires).
pub fn find<'a>(points: &'a [AccessPoint], region: &str) -> Option<&'a AccessPoint> {
    points.iter().find(|p| p.region == region)
}

/// The ICE server entries for `point` with `credentials`: `turn:<domain>`.
pub fn ice_servers(point: &AccessPoint, credentials: &TurnCredentials) -> Vec<IceServer> {
    let domain = point.domain.trim();
    let url = if domain.starts_with("turn:") || domain.starts_with("turns:") {
        domain.to_owned()
    } else {
        format!("turn:{domain}")
    };
    vec![IceServer {
        urls: vec![url],
        username: credentials.user_name.clone(),
        credential: credentials.password.clone(),
    }]
}

/// `currentFrequence` as a number of rounds: default 1, within 1..=[`MAX_ROUNDS`].
pub fn rounds(requested: Option<f64>) -> u32 {
    match requested {
        Some(n) if n.is_finite() && n >= 1.0 => (n as u32).min(MAX_ROUNDS),
        _ => 1,
    }
}

/// One access point's measurement, as `testTurnServers` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnTest {
    /// The region (what `switchAccessPoint` takes).
    pub access_point: String,
    /// The region, again under its own name.
    pub region: String,
    /// Display name.
    pub name: String,
    /// The TURN server.
    pub domain: String,
    /// Mean milliseconds to the first relay candidate over the successful rounds.
    pub time: Option<u64>,
    /// Milliseconds per round (`None`: no relay candidate before the deadline).
    pub times: Vec<Option<u64>>,
    /// Every round gathered a relay candidate.
    pub ok: bool,
}

impl TurnTest {
    /// The result of `point` from its rounds' times.
    pub fn new(point: &AccessPoint, times: Vec<Option<u64>>) -> TurnTest {
        let good: Vec<u64> = times.iter().flatten().copied().collect();
        let time = (!good.is_empty())
            .then(|| (good.iter().sum::<u64>() as f64 / good.len() as f64).round() as u64);
        TurnTest {
            access_point: point.region.clone(),
            region: point.region.clone(),
            name: point.name.clone(),
            domain: point.domain.clone(),
            time,
            ok: !times.is_empty() && times.iter().all(Option::is_some),
            times,
        }
    }
}

/// The fastest working access point's region.
pub fn fastest(results: &[TurnTest]) -> Option<&str> {
    results
        .iter()
        .filter(|r| r.ok)
        .filter_map(|r| r.time.map(|t| (t, r)))
        .min_by_key(|(t, _)| *t)
        .map(|(_, r)| r.region.as_str())
}

/// The access points `testTurnServers` measures: `only` (a region) or all. `None` when `only` names none.
pub fn targets(points: &[AccessPoint], only: Option<&str>) -> Option<Vec<AccessPoint>> {
    match only
        .map(str::trim)
        .filter(|r| !r.is_empty() && *r != DEFAULT)
    {
        Some(region) => find(points, region).map(|p| vec![p.clone()]),
        None => Some(points.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(region: &str, domain: &str) -> AccessPoint {
        AccessPoint {
            region: region.into(),
            name: format!("{region} name"),
            domain: domain.into(),
            cidr: String::new(),
        }
    }

    #[test]
    fn default_is_automatic_only_with_the_adapter() {
        assert_eq!(choice("default", true), Choice::Fastest);
        assert_eq!(choice("", true), Choice::Fastest);
        assert_eq!(choice(" default ", false), Choice::Direct);
        assert_eq!(choice("shanghai", false), Choice::Region("shanghai".into()));
        assert_eq!(choice("shanghai", true), Choice::Region("shanghai".into()));
    }

    #[test]
    fn regions_match_exactly_and_targets_follow_the_request() {
        let points = vec![point("shanghai", "a"), point("beijing", "b")];
        assert_eq!(find(&points, "beijing").unwrap().domain, "b");
        assert!(find(&points, "Beijing").is_none());
        assert_eq!(targets(&points, None).unwrap().len(), 2);
        assert_eq!(targets(&points, Some("default")).unwrap().len(), 2);
        assert_eq!(
            targets(&points, Some("shanghai")).unwrap(),
            vec![points[0].clone()]
        );
        assert_eq!(targets(&points, Some("nowhere")), None);
    }

    #[test]
    fn ice_servers_are_turn_urls_with_the_credentials() {
        let creds = TurnCredentials {
            user_name: "u".into(),
            password: "p".into(),
        };
        let entry = &ice_servers(&point("local", "127.0.0.1:3478"), &creds)[0];
        assert_eq!(entry.urls, ["turn:127.0.0.1:3478"]);
        assert_eq!(
            (entry.username.as_str(), entry.credential.as_str()),
            ("u", "p")
        );
        let named = &ice_servers(&point("sh", "turn-sh-ecs.ccc.aliyuncs.com"), &creds)[0];
        assert_eq!(named.urls, ["turn:turn-sh-ecs.ccc.aliyuncs.com"]);
        let already = &ice_servers(&point("x", "turns:t.example:5349"), &creds)[0];
        assert_eq!(already.urls, ["turns:t.example:5349"]);
    }

    #[test]
    fn results_average_successful_rounds_and_the_fastest_working_one_wins() {
        let a = TurnTest::new(&point("a", "a"), vec![Some(10), Some(21)]);
        assert_eq!((a.time, a.ok), (Some(16), true));
        let b = TurnTest::new(&point("b", "b"), vec![Some(3), None]);
        assert_eq!(
            (b.time, b.ok),
            (Some(3), false),
            "one failed round is a failure"
        );
        let c = TurnTest::new(&point("c", "c"), vec![None]);
        assert_eq!((c.time, c.ok), (None, false));
        let d = TurnTest::new(&point("d", "d"), vec![Some(12)]);
        assert_eq!(fastest(&[a.clone(), b.clone(), c.clone(), d]), Some("d"));
        assert_eq!(fastest(&[b, c]), None);
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::json!({"accessPoint": "a", "region": "a", "name": "a name", "domain": "a",
                               "time": 16, "times": [10, 21], "ok": true})
        );
    }

    #[test]
    fn rounds_default_to_one_and_are_bounded() {
        assert_eq!(rounds(None), 1);
        assert_eq!(rounds(Some(0.0)), 1);
        assert_eq!(rounds(Some(f64::NAN)), 1);
        assert_eq!(rounds(Some(3.7)), 3);
        assert_eq!(rounds(Some(1e9)), MAX_ROUNDS);
    }
}
