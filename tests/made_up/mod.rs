//! A panel without a backend for the browser tests (`tests/browser.rs`, `tests/browser_i18n.rs`): a host that
//! ignores everything, the header and the main area as `<App>` lays them out, and a [`View`] made up for any
//! status and side-nav entry (a call, agents, records, figures, devices — all data in ASCII).
#![allow(dead_code, unreachable_pub)]

use std::rc::Rc;

use agent_state::Status;
use ccc_wire::action::LoginDetails;
use ccc_wire::records::{AgentReport, CallDetailRecord, RealtimeAgentState};
use serde_json::Value;
use workbench::components::header::Header;
use workbench::components::PanelProps;
use workbench::errors::ErrorReport;
use workbench::media_devices::{AudioDevice, DeviceReport};
use workbench::workbench::{CallView, Host, View, Workbench};
use yew::prelude::*;

/// A host that ignores everything: the views' effects (loading lists) fail quietly without a backend.
pub struct QuietHost;

impl Host for QuietHost {
    fn hook(&self, _: &str, _: Option<Value>) {}
    fn error(&self, _: &ErrorReport) {}
    fn publish_status(&self, _: i32) {}
    fn desktop_notice(&self, _: &str, _: &str) {}
    fn close_desktop_notice(&self) {}
    fn has_hook(&self, _: &str) -> bool {
        false
    }
    fn gate(&self, _: &str, _: Value, _: Box<dyn FnOnce(Option<String>)>) {}
}

/// The header and the main area, as `<App>` lays them out.
#[function_component(Probe)]
pub fn probe(props: &PanelProps) -> Html {
    html! {
        <div class="probe">
            <Header view={props.view.clone()} workbench={props.workbench.clone()} />
            { workbench::views::render(&props.view, &props.workbench) }
        </div>
    }
}

/// A view of `status` on `nav`, with data in every list.
pub fn made_up_view(wb: &Workbench, status: Status, nav: &str) -> View {
    let mut view = wb.view();
    view.status = status;
    view.nav = nav.to_owned();
    view.device_conflict = status == Status::Offline;
    view.agent = Some(LoginDetails {
        user_id: "agent1@ccc-demo".into(),
        display_name: "Agent One".into(),
        extension: "8001".into(),
        ..Default::default()
    });
    view.call = status.in_call().then(|| CallView {
        job_id: "job-1".into(),
        number: "13800000001".into(),
        skill_group: "Sales".into(),
        call_type: "INBOUND".into(),
        muted: status == Status::Hold,
    });
    view.numbers = vec!["02100000001".into()];
    view.skill_groups = vec!["Sales".into(), "Support".into()];
    view.break_codes = vec!["Lunch".into()];
    view.work_mode = "ON_SITE".into();
    view.agents = Rc::new(
        [
            "Ready", "TALKING", "Break", "Offline", "Ringing", "Dialing", "ACW",
        ]
        .iter()
        .enumerate()
        .map(|(i, state)| RealtimeAgentState {
            agent_id: format!("agent{}@ccc-demo", i + 2),
            agent_name: format!("Agent {}", i + 2),
            extension: format!("80{:02}", i + 2),
            state: (*state).into(),
            ..Default::default()
        })
        .collect(),
    );
    view.records = Rc::new(vec![
        CallDetailRecord {
            contact_id: "c1".into(),
            contact_type: "INBOUND".into(),
            calling_number: "13800000001".into(),
            start_time: 1_700_000_000_000,
            duration: 75,
            ..Default::default()
        },
        CallDetailRecord {
            contact_id: "c2".into(),
            contact_type: "OUTBOUND".into(),
            called_number: "13800000002".into(),
            start_time: 1_700_000_100_000,
            duration: 5,
            ..Default::default()
        },
    ]);
    view.report = Some(Rc::new(AgentReport::default()));
    view.device_report = Some(Rc::new(DeviceReport {
        webrtc: status != Status::Ready,
        secure: status != Status::Ready,
        microphone_permission: ["granted", "prompt", "denied", ""]
            [status.code().unsigned_abs() as usize % 4]
            .into(),
        inputs: vec![AudioDevice {
            id: "mic".into(),
            label: String::new(),
        }],
        outputs: Vec::new(),
    }));
    view
}
