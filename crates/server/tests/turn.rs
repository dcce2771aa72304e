//! GetTurnServerList and GetTurnCredentials over real HTTP: `Data` shapes against the spec
//! (`ccc-api-2020-07-01.md`: the list is a string holding a JSON array of `{region, name, domain, cidr}`;
//! the credentials are `{UserName, Password}`), the empty default, and the config's access points and user.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::{json, Value};
use workbench_server::{AccessPointConfig, TurnUser};

#[tokio::test]
async fn by_default_there_is_no_access_point() {
    let s = start().await;
    let data = s.ok(A1, "GetTurnServerList", json!({})).await;
    assert_eq!(data, json!("[]"), "Data is a string holding an empty array");
    let creds = s.ok(A1, "GetTurnCredentials", json!({})).await;
    assert_eq!(keys(&creds), ["Password", "UserName"], "{creds}");
    assert_eq!(creds["UserName"], "ccc-emulator");
}

#[tokio::test]
async fn configured_access_points_and_turn_user_are_answered() {
    let mut config = fast_config();
    config.access_points = vec![
        AccessPointConfig {
            region: "local".into(),
            name: "本机".into(),
            domain: "127.0.0.1:3478".into(),
            cidr: "127.0.0.1/32".into(),
        },
        AccessPointConfig {
            region: "shanghai".into(),
            name: "上海".into(),
            domain: "turn-sh.example".into(),
            cidr: String::new(),
        },
    ];
    config.turn = TurnUser {
        username: "agent-turn".into(),
        password: "turn-secret".into(),
    };
    let s = start_with(config, PathBuf::from("/nonexistent/dist")).await;
    let data = s.ok(A1, "GetTurnServerList", json!({})).await;
    let text = data.as_str().expect("Data is a string");
    let list: Value = serde_json::from_str(text).expect("a JSON array");
    assert_eq!(
        list,
        json!([
            {"region": "local", "name": "本机", "domain": "127.0.0.1:3478", "cidr": "127.0.0.1/32"},
            {"region": "shanghai", "name": "上海", "domain": "turn-sh.example", "cidr": ""}
        ])
    );
    let creds = s.ok(A2, "GetTurnCredentials", json!({})).await;
    assert_eq!(
        creds,
        json!({"UserName": "agent-turn", "Password": "turn-secret"})
    );
}

#[tokio::test]
async fn the_instance_is_required() {
    let s = start().await;
    for action in ["GetTurnServerList", "GetTurnCredentials"] {
        let (status, env) = s.api(action, json!({})).await;
        assert_eq!(
            (status, env["Code"].as_str()),
            (400, Some("Parameter.Blank")),
            "{env}"
        );
        let (status, env) = s.api(action, json!({"InstanceId": "other"})).await;
        assert_ne!(status, 200, "{action} for another instance: {env}");
    }
}
