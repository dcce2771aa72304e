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
//!   see [`IceServers`](crate::softphone::peer::IceServers)): the access point carries the media.
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
//! The pure parts (choosing, the results, the ICE entries) are plain functions in `access_points/choice.rs`,
//! tested natively; this file is the methods over them (the API calls, the reports). The measurement
//! itself is [`first_relay_ms`] in `softphone/peer.rs` (one relay-only `RTCPeerConnection` per
//! measurement), the only module that touches `RTCPeerConnection`.

mod choice;

pub use choice::{
    choice, fastest, find, ice_servers, rounds, targets, Choice, TurnTest, DEFAULT, MAX_ROUNDS,
    TEST_DEADLINE_MS,
};

use std::rc::Rc;

use ccc_wire::turn::{
    parse_access_points, AccessPoint, GetTurnCredentialsRequest, GetTurnServerListRequest,
    TurnCredentials,
};
use ccc_wire::Action;
use js_sys::{Array, Promise};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::{Done, Workbench};
use crate::i18n::fill;
use crate::softphone::peer::first_relay_ms;

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
                wb.toast(fill(wb.text().access_point_switched, &[&region]));
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
                    Ok(first_relay_ms(&servers, TEST_DEADLINE_MS)
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
