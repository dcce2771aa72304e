//! The dist directory, the missing-build page, the control API basics and the TOML config override.

mod common;

use clap::Parser;
use common::*;
use serde_json::json;
use workbench_server::cli::Cli;

#[tokio::test]
async fn serves_dist_files_with_their_types() {
    let dist = temp_dir("dist");
    std::fs::create_dir_all(dist.join("sdk")).unwrap();
    std::fs::create_dir_all(dist.join("demo")).unwrap();
    std::fs::write(dist.join("index.html"), "<html>workbench</html>").unwrap();
    std::fs::write(
        dist.join("sdk/workbenchSdk.min.js"),
        "window.WorkbenchSdk=1",
    )
    .unwrap();
    std::fs::write(dist.join("sdk/workbench_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("demo/host.html"), "<html>host</html>").unwrap();
    let s = start_with(fast_config(), dist.clone()).await;

    let get = |path: &str| s.http.get(format!("{}{path}", s.base)).send();
    let index = get("/").await.unwrap();
    assert_eq!(index.status().as_u16(), 200);
    assert!(index.text().await.unwrap().contains("workbench"));
    let wasm = get("/sdk/workbench_bg.wasm").await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    // Pages of other origins load the SDK: its module import and wasm fetch need CORS.
    assert_eq!(wasm.headers()["access-control-allow-origin"], "*");
    let js = get("/sdk/workbenchSdk.min.js").await.unwrap();
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let demo = get("/demo/host.html").await.unwrap();
    assert_eq!(demo.status().as_u16(), 200);
    assert!(
        demo.headers().get("access-control-allow-origin").is_none(),
        "only /sdk/ is shared"
    );
    assert_eq!(get("/nope.txt").await.unwrap().status().as_u16(), 404);
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn missing_dist_is_a_503_that_says_how_to_build() {
    let s = start().await;
    let resp = s.http.get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    assert!(
        text.contains("make run") && text.contains("trunk build --release"),
        "{text}"
    );
    // The APIs still work.
    assert_eq!(
        s.get_json("/emulator/v1/health").await,
        (200, json!({"ok": true}))
    );
}

#[tokio::test]
async fn state_lists_agents_and_groups() {
    let s = start().await;
    let state = s.state().await;
    assert_eq!(state["instanceId"], "ccc-demo");
    let sup = state["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["userId"] == "supervisor@ccc-demo")
        .unwrap();
    assert_eq!(
        (sup["extension"].as_str(), sup["role"].as_str()),
        (Some("8009"), Some("supervisor"))
    );
    assert_eq!(
        sup["skillGroups"],
        json!(["sales@ccc-demo", "support@ccc-demo"])
    );
    assert_eq!(sup["state"], "OFFLINE");
    assert_eq!(state["calls"], json!([]));
}

#[tokio::test]
async fn toml_config_overrides_the_defaults() {
    let dir = temp_dir("cfg");
    let file = dir.join("emulator.toml");
    std::fs::write(
        &file,
        r#"
instance_id = "ccc-test"
[[agents]]
user_id = "alice@ccc-test"
extension = "9001"
display_name = "Alice"
[[skill_groups]]
id = "vip@ccc-test"
name = "VIP"
members = ["alice@ccc-test"]
"#,
    )
    .unwrap();
    let cli = Cli::parse_from([
        "workbench-server",
        "--emulator-config",
        file.to_str().unwrap(),
        "--dist",
        "/nonexistent",
        "--data-dir",
        dir.join("records").to_str().unwrap(),
    ]);
    let options = cli.options().unwrap();
    assert_eq!(options.emulator.data_dir, Some(dir.join("records")));
    let s = start_with(options.emulator, options.dist).await;
    let (st, env) = s
        .api("GetLoginDetails", json!({"InstanceId": "ccc-test"}))
        .await;
    assert_eq!(st, 200, "{env}");
    assert_eq!(
        (
            env["Data"]["UserId"].as_str(),
            env["Data"]["Extension"].as_str()
        ),
        (Some("alice@ccc-test"), Some("9001"))
    );
    let (st, env) = s
        .api("GetLoginDetails", json!({"InstanceId": "ccc-demo"}))
        .await;
    assert_eq!(
        (st, env["Code"].as_str()),
        (404, Some("NotExists.InstanceId"))
    );

    std::fs::write(&file, "agents = 3\n").unwrap();
    let cli = Cli::parse_from([
        "workbench-server",
        "--emulator-config",
        file.to_str().unwrap(),
    ]);
    assert!(cli.options().is_err());
    std::fs::remove_dir_all(dir).unwrap();
}
