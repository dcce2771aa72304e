//! Signing agents in the way the panel does (and `crates/server/tests/common/mod.rs` `register`):
//! GetLoginDetails → ListSkillLevelsOfUser → SignInGroup (`DeviceId`, `SignedSkillGroupIdList`) →
//! ReadyForService, every answer checked for `Code` "OK" and the agent READY at the end.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::config::user_id;
use crate::http::{Conn, Prepared};

/// A signed-in agent.
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    /// 1-based agent number.
    pub(crate) k: usize,
    /// GetLoginDetails' `AgentServerUrl` (the push WebSocket).
    pub(crate) push_url: String,
}

/// Signs agent `k` in and makes it READY on `conn`.
pub(crate) async fn register(conn: &mut Conn, k: usize) -> Result<Registered, String> {
    let user = user_id(k);
    let login = expect_ok(conn, "GetLoginDetails", &user, json!({})).await?;
    let push_url = login["AgentServerUrl"].as_str().unwrap_or("").to_owned();
    if push_url.is_empty() {
        return Err(format!(
            "{user}: GetLoginDetails has no AgentServerUrl: {login}"
        ));
    }
    let skills = expect_ok(
        conn,
        "ListSkillLevelsOfUser",
        &user,
        json!({"PageNumber": 1, "PageSize": 100}),
    )
    .await?;
    let ids: Vec<Value> = skills["List"]
        .as_array()
        .map(|l| l.iter().map(|s| s["SkillGroupId"].clone()).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(format!(
            "{user}: ListSkillLevelsOfUser lists no group: {skills}"
        ));
    }
    let list = serde_json::to_string(&ids).unwrap_or_default();
    let device = format!("bench-device-{k}");
    expect_ok(
        conn,
        "SignInGroup",
        &user,
        json!({"DeviceId": device, "SignedSkillGroupIdList": list}),
    )
    .await?;
    let ready = expect_ok(conn, "ReadyForService", &user, json!({})).await?;
    if ready["UserState"] != "READY" {
        return Err(format!("{user}: not READY after ReadyForService: {ready}"));
    }
    Ok(Registered { k, push_url })
}

/// Calls `action` for `user` and returns its `Data`; anything but 200 + "OK" is an error.
pub(crate) async fn expect_ok(
    conn: &mut Conn,
    action: &str,
    user: &str,
    params: Value,
) -> Result<Value, String> {
    let answer = conn.api(&Prepared::api(action, user, params)).await;
    if answer.ok() {
        Ok(answer.data)
    } else {
        Err(format!(
            "{user}: {action} answered HTTP {} Code {:?}",
            answer.status, answer.code
        ))
    }
}

/// Registers agents 1..=n over `parallel` connections; in agent order. The first failure stops it.
pub(crate) async fn register_all(
    addr: SocketAddr,
    n: usize,
    parallel: usize,
) -> Result<Vec<Registered>, String> {
    let next = Arc::new(Mutex::new(1usize));
    let mut tasks = Vec::new();
    for _ in 0..parallel.max(1) {
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(addr);
            let mut done = Vec::new();
            loop {
                let k = {
                    let mut g = next.lock().await;
                    let k = *g;
                    *g += 1;
                    k
                };
                if k > n {
                    return Ok::<_, String>(done);
                }
                done.push(register(&mut conn, k).await?);
            }
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.map_err(|e| format!("register task: {e}"))??);
    }
    all.sort_by_key(|r| r.k);
    Ok(all)
}
