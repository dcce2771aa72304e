//! The call records are kept in the data directory's database: every call is listed (not a recent few), and
//! the records, the agent report (with the state timeline behind it) and RedialCall survive a restart on the
//! same data directory. Each test has its own temporary data directory (`fast_config`). The restart test
//! waits for its outbound call to be answered (an emulator timer) on held virtual time.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::virtual_time::HeldClock;
use common::*;
use serde_json::{json, Value};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Every page of `user`'s call records since `from`: (TotalCount, the items in order).
async fn all_records(s: &Server, user: &str, from: i64) -> (u64, Vec<Value>) {
    let mut items = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let data = s
            .ok(
                user,
                "ListRecentCallDetailRecords",
                json!({"PageNumber": page, "PageSize": 100, "StartTime": from, "EndTime": now_ms() + 60_000}),
            )
            .await;
        total = data["TotalCount"].as_u64().unwrap();
        let list = data["List"].as_array().unwrap();
        if list.is_empty() {
            break;
        }
        assert_eq!(data["PageSize"], 100);
        items.extend(list.iter().cloned());
    }
    (total, items)
}

async fn report(s: &Server, user: &str, from: i64) -> Value {
    let data = s
        .ok(
            user,
            "ListHistoricalAgentReport",
            json!({"StartTime": from, "StopTime": now_ms() + 60_000}),
        )
        .await;
    data["List"][0].clone()
}

#[tokio::test]
async fn more_than_a_thousand_calls_are_all_listed_and_reported() {
    const CALLS: usize = 1_200;
    let from = now_ms() - 1_000;
    let s = start().await;
    s.register(A1).await;
    let mut jobs = BTreeSet::new();
    for i in 0..CALLS {
        // A customer calls and gives up while agent 1's phone rings: a record, and agent 1 is ready again.
        let (st, body) = s.inbound(json!({"caller": format!("138{i:08}")})).await;
        assert_eq!((st, body["userId"].as_str()), (200, Some(A1)), "{body}");
        let job = body["jobId"].as_str().unwrap().to_owned();
        let (st, body) = s
            .post_json(&format!("/emulator/v1/calls/{job}/hangup"), json!({}))
            .await;
        assert_eq!(st, 200, "{body}");
        jobs.insert(job);
    }
    assert_eq!(jobs.len(), CALLS);

    let (total, items) = all_records(&s, A1, from).await;
    assert_eq!(total, CALLS as u64);
    let listed: BTreeSet<String> = items
        .iter()
        .map(|r| r["ContactId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, jobs, "every call is listed, once");
    assert_eq!(items.len(), CALLS);
    assert_eq!(
        items[0]["CallingNumber"],
        format!("138{:08}", CALLS - 1),
        "newest first"
    );
    assert_eq!(items[CALLS - 1]["CallingNumber"], "13800000000");
    assert!(items
        .iter()
        .all(|r| r["ContactDisposition"] == "AbandonedRing"));
    // Criteria still filter, in the database.
    let one = s
        .ok(
            A1,
            "ListRecentCallDetailRecords",
            json!({"PageSize": 10, "StartTime": from, "Criteria": "{\"callingNumber\":\"13800000007\"}"}),
        )
        .await;
    assert_eq!(one["TotalCount"], 1, "{one}");

    let r = report(&s, A1, from).await;
    assert_eq!(r["Inbound"]["CallsOffered"], CALLS as u64, "{r}");
    assert_eq!(r["Inbound"]["CallsRinged"], CALLS as u64, "{r}");
    assert_eq!(r["Overall"]["TotalCalls"], CALLS as u64, "{r}");
    s.stop().await;
}

#[tokio::test(start_paused = true)]
async fn records_the_report_and_redial_survive_a_restart() {
    let clock = HeldClock::hold();
    let from = now_ms() - 1_000;
    let config = fast_config();
    let data_dir = config.data_dir.clone().unwrap();
    let dist = PathBuf::from("/nonexistent/dist");

    let s = start_with(config.clone(), dist.clone()).await;
    s.register(A1).await;
    let inbound = s.talking_inbound(A1, "13800000021").await;
    s.ok(A1, "HoldCall", json!({"JobId": inbound})).await;
    s.ok(A1, "RetrieveCall", json!({"JobId": inbound})).await;
    s.ok(A1, "ReleaseCall", json!({"JobId": inbound})).await;
    s.ok(A1, "ReadyForService", json!({})).await;
    let outbound = s.dial_answered(&clock, A1, "13912345679").await;
    s.ok(A1, "ReleaseCall", json!({"JobId": outbound})).await;
    let (total, before) = all_records(&s, A1, from).await;
    assert_eq!(total, 2);
    let report_before = report(&s, A1, from).await;
    s.stop().await;
    assert!(data_dir.join("records.db").exists());

    // A new server on the same data directory: every agent starts OFFLINE, the records are there.
    let s = start_with(config, dist).await;
    let (total, after) = all_records(&s, A1, from).await;
    assert_eq!(total, 2);
    assert_eq!(after, before, "the same records, in the same order");
    assert_eq!(after[0]["ContactId"], outbound);
    assert_eq!(after[1]["ContactId"], inbound);
    assert_eq!(after[1]["ContactDisposition"], "Success");

    let r = report(&s, A1, from).await;
    for (area, key) in [
        ("Inbound", "CallsOffered"),
        ("Inbound", "CallsHandled"),
        ("Inbound", "CallsHold"),
        ("Inbound", "CallsRinged"),
        ("Outbound", "CallsDialed"),
        ("Outbound", "CallsAnswered"),
        ("Overall", "TotalCalls"),
        ("Overall", "FirstCheckInTime"),
    ] {
        assert_eq!(r[area][key], report_before[area][key], "{area}.{key}: {r}");
    }
    assert_eq!(
        r["Inbound"]["CallsRinged"], 1,
        "from the persisted state timeline"
    );
    assert!(r["Overall"]["FirstCheckInTime"].as_i64().unwrap() >= from);
    // The first run's sign-in ended with it: a check-out at the restart.
    assert!(
        r["Overall"]["LastCheckOutTime"].as_i64().unwrap() >= from,
        "{r}"
    );

    // RedialCall finds a call of the earlier run.
    s.register(A1).await;
    let data = s.ok(A1, "RedialCall", json!({"JobId": inbound})).await;
    let customer = customer_legs(&data)[0].clone();
    assert_eq!(customer["Destination"], "13800000021", "{data}");
    s.stop().await;
    let _ = std::fs::remove_dir_all(&data_dir);
}
