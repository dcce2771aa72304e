//! The mount API and the panel in headless Chromium (`make test-browser`).
//!
//! These tests construct `WorkbenchCore` exactly as the loader does, with config objects written in
//! JavaScript, and look at the DOM the panel renders. No backend is needed: they cover what happens before
//! any API call answers (mounting, sizes, validation, the status gate), and the views' own state rendered
//! from a made-up `View` (`made_up`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use workbench::sdk::WorkbenchCore;

mod dom;
mod made_up;

use agent_state::Status;
use dom::{click, container, js, wait_for, wait_until};
use made_up::{made_up_view, Probe, QuietHost};
use workbench::api::Api;
use workbench::components::PanelProps;
use workbench::config::{nav, Config};
use workbench::workbench::Workbench;

wasm_bindgen_test_configure!(run_in_browser);

fn error_message(result: Result<WorkbenchCore, JsError>) -> String {
    let err: JsValue = result.err().expect("the constructor must throw").into();
    Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn mounts_a_320_by_580_panel_with_the_ten_side_nav_entries() {
    let root = container("wb-default");
    let _core = WorkbenchCore::new(js(
        r#"{dom: "wb-default", instanceId: "ccc-demo", regionId: "cn-shanghai"}"#,
    ))
    .expect("valid config");
    let panel: web_sys::HtmlElement = wait_for(&root, ".ccc-wb").await.dyn_into().unwrap();
    assert_eq!((panel.offset_width(), panel.offset_height()), (320, 580));
    let nav: Vec<String> = (0..root.query_selector_all(".ccc-nav-item").unwrap().length())
        .map(|i| {
            root.query_selector_all(".ccc-nav-item")
                .unwrap()
                .item(i)
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(
        nav,
        [
            "呼入",
            "呼出",
            "内部通话",
            "通话记录",
            "转接",
            "会议",
            "监听",
            "我的工作",
            "设备检测",
            "设置"
        ]
    );
    assert_eq!(panel.get_attribute("data-status").as_deref(), Some("-1"));
    let status = wait_for(&root, ".ccc-status").await;
    assert_eq!(status.text_content().as_deref(), Some("未注册"));
}

#[wasm_bindgen_test]
async fn accepts_the_documents_string_sizes_and_an_element_as_dom() {
    let root = container("wb-sizes");
    let config =
        js(r#"{instanceId: "ccc-demo", regionId: "cn-shanghai", width: "300px", height: "552px"}"#);
    Reflect::set(&config, &"dom".into(), &root).unwrap();
    let _core = WorkbenchCore::new(config).expect("string sizes are tolerated");
    let panel: web_sys::HtmlElement = wait_for(&root, ".ccc-wb").await.dyn_into().unwrap();
    assert_eq!((panel.offset_width(), panel.offset_height()), (300, 552));
}

#[wasm_bindgen_test]
fn a_hook_that_is_not_a_function_throws_with_its_name() {
    container("wb-bad-hook");
    let message = error_message(WorkbenchCore::new(js(
        r#"{dom: "wb-bad-hook", instanceId: "ccc-demo", onCallComing: "popCustomer"}"#,
    )));
    assert_eq!(message, "onCallComing must be a function");
    let message = error_message(WorkbenchCore::new(js(
        r#"{dom: "wb-bad-hook", instanceId: "x", apiAxiosFunc: 1}"#,
    )));
    assert_eq!(message, "apiAxiosFunc must be a function");
}

#[wasm_bindgen_test]
fn missing_dom_or_an_unknown_element_id_is_a_clear_error() {
    assert_eq!(
        error_message(WorkbenchCore::new(js(r#"{instanceId: "ccc-demo"}"#))),
        "dom is required"
    );
    let message = error_message(WorkbenchCore::new(js(
        r#"{dom: "no-such-element", instanceId: "ccc-demo"}"#,
    )));
    assert!(message.contains("no-such-element"), "{message}");
}

#[wasm_bindgen_test]
async fn a_method_outside_the_status_gate_reports_9001_and_does_not_throw() {
    container("wb-gate");
    let errors = js_sys::Array::new();
    let config = js(r#"{dom: "wb-gate", instanceId: "ccc-demo"}"#);
    let push = js_sys::Function::new_with_args("e", "this.push(e)").bind0(&errors);
    Reflect::set(&config, &"onErrorNotify".into(), &push).unwrap();
    let core = WorkbenchCore::new(config).unwrap();
    core.call(
        "13800000001".into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    core.answer(JsValue::UNDEFINED);
    wait_until("two onErrorNotify calls", || errors.length() == 2).await;
    for e in errors.iter() {
        assert_eq!(
            Reflect::get(&e, &"errorCode".into()).unwrap().as_f64(),
            Some(9001.0)
        );
    }
    let status = core.get_status_code();
    assert_eq!(
        Reflect::get(&status, &"code".into()).unwrap().as_f64(),
        Some(-1.0)
    );
}

#[wasm_bindgen_test]
async fn side_nav_list_and_header_options_shape_the_panel() {
    let root = container("wb-options");
    let _core = WorkbenchCore::new(js(
        r#"{dom: "wb-options", instanceId: "ccc-demo", header: false, sideNavList: ["呼出", "呼入", "bogus"]}"#,
    ))
    .unwrap();
    wait_for(&root, ".ccc-wb").await;
    assert!(
        root.query_selector(".ccc-header").unwrap().is_none(),
        "header: false hides the header"
    );
    let items = root.query_selector_all(".ccc-nav-item").unwrap();
    let labels: Vec<String> = (0..items.length())
        .map(|i| items.item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["呼入", "呼出"],
        "unknown entries are ignored, the canonical order is kept"
    );
}

#[wasm_bindgen_test]
async fn change_visible_hides_the_panel_and_unload_removes_it() {
    let root = container("wb-visible");
    let mut core =
        WorkbenchCore::new(js(r#"{dom: "wb-visible", instanceId: "ccc-demo"}"#)).unwrap();
    let panel = wait_for(&root, ".ccc-wb").await;
    core.change_visible(false.into());
    wait_until("the panel to hide", || {
        panel.class_name().contains("ccc-hidden")
    })
    .await;
    core.change_visible(true.into());
    wait_until("the panel to show", || {
        !panel.class_name().contains("ccc-hidden")
    })
    .await;
    core.unload_workbench();
    wait_until("the panel to go", || {
        root.query_selector(".ccc-wb").unwrap().is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn volumes_are_checked_device_id_is_stable_and_this_browser_is_fine() {
    container("wb-misc");
    let errors = js_sys::Array::new();
    let config = js(r#"{dom: "wb-misc", instanceId: "ccc-demo"}"#);
    let push = js_sys::Function::new_with_args("e", "this.push(e)").bind0(&errors);
    Reflect::set(&config, &"onErrorNotify".into(), &push).unwrap();
    let core = WorkbenchCore::new(config).unwrap();

    core.change_volume_in_call(0.4.into());
    core.change_ring_tone_volume(1.into());
    core.is_avail_broswer(); // headless Chromium on 127.0.0.1: WebRTC present, secure context
    assert_eq!(
        errors.length(),
        0,
        "valid volumes and a capable browser report nothing"
    );
    core.change_volume_in_call(1.5.into());
    core.change_ring_tone_volume("loud".into());
    wait_until("two 9002 reports", || errors.length() == 2).await;
    for e in errors.iter() {
        assert_eq!(
            Reflect::get(&e, &"errorCode".into()).unwrap().as_f64(),
            Some(9002.0)
        );
    }

    let id = core.get_soft_phone_device_id();
    assert!(id.starts_with("CCC-rs-") && id.len() > 10, "{id}");
    assert_eq!(
        core.get_soft_phone_device_id(),
        id,
        "the same device for the session"
    );
}

#[wasm_bindgen_test]
async fn register_takes_a_device_type_and_reports_a_bad_one() {
    container("wb-device");
    let seen = js_sys::Array::new();
    let config = js(r#"{dom: "wb-device", instanceId: "ccc-demo"}"#);
    let on_device = js_sys::Function::new_with_args("t", "this.push(['device', t])").bind0(&seen);
    let on_error =
        js_sys::Function::new_with_args("e", "this.push(['error', e.errorCode])").bind0(&seen);
    Reflect::set(&config, &"onDeviceTypeChange".into(), &on_device).unwrap();
    Reflect::set(&config, &"onErrorNotify".into(), &on_error).unwrap();
    let core = WorkbenchCore::new(config).unwrap();

    core.register(JsValue::UNDEFINED, "default".into(), 7.into());
    wait_until("the 9002 report", || seen.length() >= 1).await;
    assert_eq!(
        js_sys::JSON::stringify(&seen.get(0)).unwrap(),
        "[\"error\",9002]"
    );
    assert_eq!(
        Reflect::get(&core.get_status_code(), &"code".into())
            .unwrap()
            .as_f64(),
        Some(-1.0),
        "a bad deviceType does not start registering"
    );

    core.register(JsValue::UNDEFINED, JsValue::UNDEFINED, 1.into());
    wait_until("onDeviceTypeChange(1)", || seen.length() >= 2).await;
    assert_eq!(
        js_sys::JSON::stringify(&seen.get(1)).unwrap(),
        "[\"device\",1]"
    );
}

#[wasm_bindgen_test]
async fn the_device_check_view_and_the_audio_device_methods_work_before_sign_in() {
    let root = container("wb-devices");
    let seen = js_sys::Array::new();
    let config = js(r#"{dom: "wb-devices", instanceId: "ccc-demo"}"#);
    let on_error =
        js_sys::Function::new_with_args("e", "this.push(['error', e.errorCode])").bind0(&seen);
    Reflect::set(&config, &"onErrorNotify".into(), &on_error).unwrap();
    let core = WorkbenchCore::new(config).unwrap();

    let nav: web_sys::HtmlElement = wait_for(&root, r#".ccc-nav-item[data-nav="设备检测"]"#)
        .await
        .dyn_into()
        .unwrap();
    nav.click();
    let browser_row = wait_for(&root, r#"li[data-check="浏览器"]"#).await;
    assert_eq!(
        browser_row.class_name(),
        "ok",
        "headless Chromium has WebRTC"
    );
    assert_eq!(
        root.query_selector_all(".ccc-device-check li")
            .unwrap()
            .length(),
        5
    );

    let list = js_sys::Array::new();
    let keep = js_sys::Function::new_with_args("d", "this.push(d)").bind0(&list);
    core.get_audio_device_list(keep.into());
    wait_until("the device list", || list.length() == 1).await;
    let answer = list.get(0);
    assert!(js_sys::Array::is_array(
        &Reflect::get(&answer, &"audioInputs".into()).unwrap()
    ));
    assert!(js_sys::Array::is_array(
        &Reflect::get(&answer, &"audioOutputs".into()).unwrap()
    ));

    core.set_audio_input_device("no-such-microphone".into());
    wait_until("9002 for an unknown device", || seen.length() == 1).await;
    assert_eq!(
        js_sys::JSON::stringify(&seen.get(0)).unwrap(),
        "[\"error\",9002]"
    );
}

#[wasm_bindgen_test]
async fn check_network_reports_9007_when_the_api_cannot_be_reached() {
    container("wb-network");
    let seen = js_sys::Array::new();
    // Nothing answers on port 9 of this machine.
    let config =
        js(r#"{dom: "wb-network", instanceId: "ccc-demo", ajaxOrigin: "http://127.0.0.1:9"}"#);
    let on_error = js_sys::Function::new_with_args("e", "this.push(e.errorCode)").bind0(&seen);
    Reflect::set(&config, &"onErrorNotify".into(), &on_error).unwrap();
    let core = WorkbenchCore::new(config).unwrap();
    core.check_network();
    wait_until("9007", || seen.length() == 1).await;
    assert_eq!(seen.get(0).as_f64(), Some(9007.0));
}

#[wasm_bindgen_test]
async fn this_tab_is_one_device_across_mounts_and_a_foreign_stored_id_is_replaced() {
    let storage = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    container("wb-device-1");
    let mut first =
        WorkbenchCore::new(js(r#"{dom: "wb-device-1", instanceId: "ccc-demo"}"#)).unwrap();
    let id = first.get_soft_phone_device_id();
    assert_eq!(
        storage.get_item("workbenchSdkDeviceId").unwrap().as_deref(),
        Some(id.as_str()),
        "kept in sessionStorage"
    );
    first.unload_workbench();
    // A reload of the tab mounts again: the same device, so no 7001 against itself.
    container("wb-device-2");
    let mut again =
        WorkbenchCore::new(js(r#"{dom: "wb-device-2", instanceId: "ccc-demo"}"#)).unwrap();
    assert_eq!(again.get_soft_phone_device_id(), id);
    again.unload_workbench();

    storage
        .set_item("workbenchSdkDeviceId", "not ours")
        .unwrap();
    container("wb-device-3");
    let mut fresh =
        WorkbenchCore::new(js(r#"{dom: "wb-device-3", instanceId: "ccc-demo"}"#)).unwrap();
    let new_id = fresh.get_soft_phone_device_id();
    assert!(new_id.starts_with("CCC-rs-") && new_id != id, "{new_id}");
    fresh.unload_workbench();
}

#[wasm_bindgen_test]
async fn hooks_may_call_back_into_the_sdk_and_a_throwing_hook_breaks_nothing() {
    // ARCHITECTURE.md, "Hooks run with no borrow held": each hook calls back into the SDK — changeVisible
    // and getStatusCode (a borrow held across the hook would panic there) — then throws.
    container("wb-reenter");
    let cell: Rc<RefCell<Option<WorkbenchCore>>> = Rc::default();
    let reenter = {
        let cell = cell.clone();
        Closure::<dyn Fn() -> JsValue>::new(move || {
            let cell = cell.borrow();
            let core = cell.as_ref().expect("constructed before any hook");
            // A method that changes the controller, and a read.
            core.change_visible(true.into());
            Reflect::get(&core.get_status_code(), &"code".into()).unwrap()
        })
    };
    let seen = js_sys::Array::new();
    let ctx = js_sys::Object::new();
    Reflect::set(&ctx, &"seen".into(), &seen).unwrap();
    Reflect::set(&ctx, &"reenter".into(), reenter.as_ref()).unwrap();
    // Nothing answers on port 9 of this machine: register() starts, fails and reports.
    let config =
        js(r#"{dom: "wb-reenter", instanceId: "ccc-demo", ajaxOrigin: "http://127.0.0.1:9"}"#);
    for (hook, field) in [("onStatusChange", "code"), ("onErrorNotify", "errorCode")] {
        let body = format!(
            "this.seen.push(['{hook}', e.{field}, this.reenter()]); throw new Error('a host bug in {hook}')"
        );
        let f = js_sys::Function::new_with_args("e", &body).bind0(&ctx);
        Reflect::set(&config, &hook.into(), &f).unwrap();
    }
    *cell.borrow_mut() = Some(WorkbenchCore::new(config).unwrap());
    let core = || cell.borrow();

    core()
        .as_ref()
        .unwrap()
        .register(JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED);
    let reported = |seen: &js_sys::Array| {
        seen.iter()
            .filter(|e| js_sys::Array::from(e).get(0) == "onErrorNotify")
            .count()
    };
    wait_until("register()'s failure reported", || reported(&seen) >= 1).await;
    let entries: Vec<(String, f64, f64)> = seen
        .iter()
        .map(|e| {
            let e = js_sys::Array::from(&e);
            let num = |i| e.get(i).as_f64().unwrap_or(f64::NAN);
            (e.get(0).as_string().unwrap(), num(1), num(2))
        })
        .collect();
    let changes: Vec<_> = entries
        .iter()
        .filter(|(hook, ..)| hook == "onStatusChange")
        .collect();
    assert!(
        !changes.is_empty(),
        "register() changed the status: {entries:?}"
    );
    for (_, code, read_back) in &changes {
        assert_eq!(
            code, read_back,
            "inside onStatusChange the SDK answers, with the state already updated: {entries:?}"
        );
    }
    assert!(
        entries.iter().all(|(.., read_back)| !read_back.is_nan()),
        "every hook read the status back: {entries:?}"
    );

    // The hooks threw; the panel goes on: a method outside the gate still reports 9001.
    let before = reported(&seen);
    core().as_ref().unwrap().answer(JsValue::UNDEFINED);
    wait_until("the 9001 report", || reported(&seen) > before).await;
    let last = js_sys::Array::from(&seen.get(seen.length() - 1));
    assert_eq!(last.get(1).as_f64(), Some(9001.0));
    // Hooks may still come (nothing answers): the closure lives on, like the panel.
    reenter.forget();
}

/// The text of the input `selector` in `root`.
fn input_value(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector}; DOM: {}", root.inner_html()))
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .value()
}

#[wasm_bindgen_test]
async fn a_number_being_entered_outlives_a_status_change_and_a_view_opened_again_starts_afresh() {
    let config = Config::from_json(&serde_json::json!({"instanceId": "ccc-demo"})).unwrap();
    let api = Api::new(&config);
    let wb = Workbench::new(config, Box::new(QuietHost), api);
    let props = |status, nav: &str| PanelProps {
        view: made_up_view(&wb, status, nav),
        workbench: wb.clone(),
    };
    let root = container("drafts");
    let mut app = yew::Renderer::<Probe>::with_root_and_props(
        root.clone(),
        props(Status::Ready, nav::OUTBOUND),
    )
    .render();
    let callee = r#".ccc-outbound input[name="callee"]"#;
    wait_for(&root, callee).await;
    click(&root, r#".ccc-key[data-key="1"]"#);
    wait_until("the pad's 1 in the number", || {
        input_value(&root, callee) == "1"
    })
    .await;
    click(&root, r#".ccc-key[data-key="0"]"#);
    wait_until("the pad's 0 after it", || {
        input_value(&root, callee) == "10"
    })
    .await;

    // A push changes the status (小休): the panel renders again, and the number being entered stays.
    app.update(props(Status::Break, nav::OUTBOUND));
    wait_for(
        &root,
        &format!(r#".ccc-status[data-code="{}"]"#, Status::Break.code()),
    )
    .await;
    assert_eq!(input_value(&root, callee), "10");

    // 转接 and back to 呼出: opening a view starts it afresh.
    app.update(props(Status::Break, nav::TRANSFER));
    wait_for(&root, ".ccc-transfer").await;
    app.update(props(Status::Break, nav::OUTBOUND));
    wait_for(&root, callee).await;
    assert_eq!(input_value(&root, callee), "");
    app.destroy();
    root.remove();
}
