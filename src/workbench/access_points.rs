//! Access points (接入点): the TURN relays a soft phone may send its media through — GetTurnServerList
//! (`[{region, name, domain, cidr}]`, a JSON array in a string) and GetTurnCredentials (`{UserName,
//! Password}`) — and the SDK methods over them: `register(…, accessPoint)`, `switchAccessPoint(region)`,
//! `testTurnServers({accessPoint?, currentFrequence?, callback?})`, config `isEnableSwitchAdapter`.
//!
//! # Behaviour (where the contract is silent, chosen here)
//! - **Which access point.** A region names one entry of GetTurnServerList exactly. `'default'` (or none)
//!   means automatic: with `isEnableSwitchAdapter` (default `true`) every access point is measured once
//!   (as `testTurnServers` does) and the fastest working one is used; with `false`, or when the list is
//!   empty, or when none works (then 7004 is reported), the media goes directly (no TURN).
//! - **When.** `register()` (and `logIn()` after `logOut()`) resolves it before the soft phone starts,
//!   only when the soft phone is used (WebRTC device, on-site work mode). `switchAccessPoint` resolves it
//!   again; the new ICE servers apply to calls opened afterwards, a call in progress keeps its path.
//! - **How it is used.** The chosen access point becomes one ICE server `turn:<domain>` with the
//!   GetTurnCredentials user, and legs then gather relay candidates only (`iceTransportPolicy: 'relay'`,
//!   see [`IceServers`]): the access point carries the media.
//! - **Errors.** The list cannot be loaded, is empty for `testTurnServers`, names no such region, or the
//!   credentials cannot be loaded → 7003 `无法获取接入点信息` (`switchAccessPoint` then changes nothing;
//!   `register` falls back to a direct connection). Any measured access point that gathered no relay
//!   candidate within [`TEST_DEADLINE_MS`] → 7004 `接入点测速失败` (once per measurement, `testTurnServers`
//!   or register's automatic choice, naming the failed regions; the callback still gets every result).
//! - **Confirmation.** A successful `switchAccessPoint` shows `已切换接入点:<region>` over the panel.
//! - **`testTurnServers` result** (the contract only says `callback(res)`): an array, one entry per access
//!   point measured, `{accessPoint, region, name, domain, time, times, ok}` — `accessPoint` = `region`;
//!   `times` = milliseconds until the first relay candidate per round (`null`: none before the deadline);
//!   `time` = their mean over the successful rounds, rounded (`null` when none succeeded); `ok` = every
//!   round succeeded. `currentFrequence` = rounds (default 1, at most [`MAX_ROUNDS`]).
//!
//! The pure parts (choosing, the results, the ICE entries) are plain functions tested natively; the browser
//! part is [`measure`] (one relay-only `RTCPeerConnection` per measurement).

use std::cell::RefCell;
use std::rc::Rc;

use ccc_wire::turn::{
    parse_access_points, AccessPoint, GetTurnCredentialsRequest, GetTurnServerListRequest,
    TurnCredentials,
};
use ccc_wire::Action;
use js_sys::{Array, Promise, Reflect};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::{Done, Workbench};
use crate::softphone::peer::{peer_connection, IceServer};

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

/// Why access points could not be used.
#[derive(Debug)]
struct Unavailable(String);

impl Workbench {
    /// `switchAccessPoint(region)`: the access point for the next calls (`'default'`: automatic).
    pub fn switch_access_point(&self, region: &str) {
        let region = region.trim().to_owned();
        let wb = self.rc();
        spawn_local(async move {
            if wb.resolve_access_point(&region, true).await {
                let region = if region.is_empty() {
                    DEFAULT.to_owned()
                } else {
                    region
                };
                wb.inner.borrow_mut().access_point = region.clone();
                // The panel confirms the switch (and a host or test can see it took effect).
                wb.toast(format!("已切换接入点:{region}"));
            }
        });
    }

    /// Resolves `requested` into the soft phone's ICE servers (see the module docs); `false` (and 7003
    /// reported) when the region cannot be used — the ICE servers in force are then left alone, unless
    /// `strict` is off (register), where the media falls back to a direct connection.
    pub(super) async fn resolve_access_point(
        self: &Rc<Self>,
        requested: &str,
        strict: bool,
    ) -> bool {
        let (adapter, ice) = {
            let inner = self.inner.borrow();
            (
                inner.config.enable_switch_adapter,
                inner.ice_servers.clone(),
            )
        };
        let region = match choice(requested, adapter) {
            Choice::Direct => {
                ice.set(Vec::new());
                return true;
            }
            Choice::Region(region) => region,
            Choice::Fastest => {
                let points = match self.access_point_list().await {
                    Ok(points) => points,
                    Err(Unavailable(reason)) => {
                        // Automatic: no list is no access point; the media goes directly.
                        web_sys::console::warn_1(&format!("WorkbenchSdk: {reason}").into());
                        ice.set(Vec::new());
                        return true;
                    }
                };
                if points.is_empty() {
                    ice.set(Vec::new());
                    return true;
                }
                let Some(credentials) = self.turn_credentials_or_report().await else {
                    ice.set(Vec::new());
                    return !strict;
                };
                let results = measure_all(&points, &credentials, 1).await;
                self.report_failed_tests(&results);
                match fastest(&results).and_then(|r| find(&points, r)) {
                    Some(point) => ice.set(ice_servers(point, &credentials)),
                    None => ice.set(Vec::new()),
                }
                return true;
            }
        };
        let points = match self.access_point_list().await {
            Ok(points) => points,
            Err(Unavailable(reason)) => return self.unavailable(&ice, strict, reason),
        };
        let Some(point) = find(&points, &region).cloned() else {
            return self.unavailable(
                &ice,
                strict,
                format!("GetTurnServerList has no access point \"{region}\""),
            );
        };
        let Some(credentials) = self.turn_credentials_or_report().await else {
            if !strict {
                ice.set(Vec::new());
            }
            return false;
        };
        ice.set(ice_servers(&point, &credentials));
        true
    }

    fn unavailable(
        &self,
        ice: &crate::softphone::peer::IceServers,
        strict: bool,
        reason: String,
    ) -> bool {
        if !strict {
            ice.set(Vec::new());
        }
        self.report(7003, reason);
        false
    }

    /// `testTurnServers({accessPoint?, currentFrequence?, callback?})`.
    pub fn test_turn_servers(&self, only: Option<String>, rounds: u32, done: Option<Done>) {
        let wb = self.rc();
        spawn_local(async move {
            let points = match wb.access_point_list().await {
                Ok(points) => points,
                Err(Unavailable(reason)) => return wb.report(7003, reason),
            };
            let Some(targets) = targets(&points, only.as_deref()).filter(|t| !t.is_empty()) else {
                return wb.report(
                    7003,
                    match only {
                        Some(r) => format!("testTurnServers: no access point \"{r}\""),
                        None => "testTurnServers: GetTurnServerList has no access point".into(),
                    },
                );
            };
            let Some(credentials) = wb.turn_credentials_or_report().await else {
                return;
            };
            let results = measure_all(&targets, &credentials, rounds).await;
            wb.report_failed_tests(&results);
            if let Some(done) = done {
                done(serde_json::to_value(&results).unwrap_or(Value::Null));
            }
        });
    }

    fn report_failed_tests(&self, results: &[TurnTest]) {
        let failed: Vec<&str> = results
            .iter()
            .filter(|r| !r.ok)
            .map(|r| r.region.as_str())
            .collect();
        if !failed.is_empty() {
            self.report(
                7004,
                format!(
                    "no relay candidate within {TEST_DEADLINE_MS} ms through {}",
                    failed.join(", ")
                ),
            );
        }
    }

    async fn access_point_list(&self) -> Result<Vec<AccessPoint>, Unavailable> {
        let (api, request) = {
            let inner = self.inner.borrow();
            let request = GetTurnServerListRequest {
                instance_id: inner.config.instance_id.clone(),
            };
            (inner.api.clone(), request)
        };
        let data = api
            .call_value(Action::GetTurnServerList, &request)
            .await
            .map_err(|e| Unavailable(format!("GetTurnServerList failed: {e:?}")))?;
        parse_access_points(&data.unwrap_or(Value::Null)).ok_or_else(|| {
            Unavailable("GetTurnServerList: Data is not a JSON array of access points".into())
        })
    }

    /// GetTurnCredentials; a failure is reported as 7003.
    async fn turn_credentials_or_report(&self) -> Option<TurnCredentials> {
        let (api, request) = {
            let inner = self.inner.borrow();
            let request = GetTurnCredentialsRequest {
                instance_id: inner.config.instance_id.clone(),
                user_id: inner.login.as_ref().map(|l| l.user_id.clone()),
            };
            (inner.api.clone(), request)
        };
        match api
            .call::<TurnCredentials>(Action::GetTurnCredentials, &request)
            .await
        {
            Ok(Some(c)) if !c.user_name.is_empty() => Some(c),
            other => {
                let reason = match other {
                    Err(e) => format!("GetTurnCredentials failed: {e:?}"),
                    _ => "GetTurnCredentials returned no UserName".into(),
                };
                self.report(7003, reason);
                None
            }
        }
    }
}

/// Measures every point `rounds` times (the points of a round in parallel).
async fn measure_all(
    points: &[AccessPoint],
    credentials: &TurnCredentials,
    rounds: u32,
) -> Vec<TurnTest> {
    let mut times: Vec<Vec<Option<u64>>> = vec![Vec::new(); points.len()];
    for _ in 0..rounds {
        let promises: Array = points
            .iter()
            .map(|p| {
                let servers = ice_servers(p, credentials);
                future_to_promise(async move {
                    Ok(measure(&servers)
                        .await
                        .map(|ms| JsValue::from_f64(ms as f64))
                        .unwrap_or(JsValue::NULL))
                })
            })
            .collect();
        let settled = JsFuture::from(Promise::all(&promises))
            .await
            .map(|v| Array::from(&v))
            .unwrap_or_default();
        for (i, slot) in times.iter_mut().enumerate() {
            slot.push(settled.get(i as u32).as_f64().map(|ms| ms as u64));
        }
    }
    points
        .iter()
        .zip(times)
        .map(|(p, t)| TurnTest::new(p, t))
        .collect()
}

/// Milliseconds until a relay-only peer connection through `servers` gathered its first `relay` candidate
/// (a data channel triggers the gathering); `None` when none came before [`TEST_DEADLINE_MS`] or gathering
/// ended without one.
pub async fn measure(servers: &[IceServer]) -> Option<u64> {
    let pc = peer_connection(servers).ok()?;
    let started = js_sys::Date::now();
    let settle: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    let slot = settle.clone();
    let done = Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve));
    let on_candidate = {
        let settle = settle.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let candidate = Reflect::get(&event, &"candidate".into()).unwrap_or(JsValue::NULL);
            let relay = if candidate.is_null() || candidate.is_undefined() {
                Some(false) // gathering is over
            } else {
                let kind = Reflect::get(&candidate, &"type".into())
                    .ok()
                    .and_then(|t| t.as_string());
                let line = Reflect::get(&candidate, &"candidate".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                (kind.as_deref() == Some("relay") || line.contains(" typ relay")).then_some(true)
            };
            if let Some(relay) = relay {
                if let Some(resolve) = settle.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(relay));
                }
            }
        })
    };
    let _ = Reflect::set(&pc, &"onicecandidate".into(), on_candidate.as_ref());
    if let Ok(f) = Reflect::get(&pc, &"createDataChannel".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = f.call1(&pc, &"ccc-turn-probe".into());
    }
    let Ok(offer) = JsFuture::from(pc.create_offer()).await else {
        let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
        pc.close();
        return None;
    };
    let init = web_sys::RtcSessionDescriptionInit::new(web_sys::RtcSdpType::Offer);
    init.set_sdp(
        &Reflect::get(&offer, &"sdp".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default(),
    );
    if JsFuture::from(pc.set_local_description(&init))
        .await
        .is_err()
    {
        let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
        pc.close();
        return None;
    }
    let timeout = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_1(
                &resolve,
                TEST_DEADLINE_MS,
                &JsValue::FALSE,
            );
        }
    });
    let outcome = JsFuture::from(Promise::race(&Array::of2(&done, &timeout)))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let elapsed = (js_sys::Date::now() - started).max(0.0).round() as u64;
    let _ = Reflect::set(&pc, &"onicecandidate".into(), &JsValue::NULL);
    pc.close();
    drop(on_candidate);
    outcome.then_some(elapsed)
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
