//! Data the side-nav views read on demand: the instance's agents and their live states (内部通话, 监听) and
//! the agent's recent calls (通话记录), today's figures (我的工作). Loaded when a view opens or asks to refresh; failures are reported
//! like any other API failure and leave the previous list in place.

use std::rc::Rc;

use agent_state::Method;
use ccc_wire::action::Page;
use ccc_wire::call_control::RedialCallRequest;
use ccc_wire::read::FromJson;
use ccc_wire::records::{
    AgentReport, CallDetailRecord, ListHistoricalAgentReportRequest,
    ListRealtimeAgentStatesRequest, ListRecentCallDetailRecordsRequest, RealtimeAgentState,
};
use ccc_wire::Action;
use wasm_bindgen_futures::spawn_local;

use serde::Serialize;

use super::{Inner, Workbench};

/// How many entries a view lists.
const PAGE_SIZE: u32 = 50;

impl Workbench {
    /// Loads one page of `action` and hands its list to `store`, then re-renders. A failure is reported like
    /// any API failure and keeps what was loaded before.
    fn load<R, T>(
        &self,
        action: Action,
        request: R,
        store: impl FnOnce(&mut Inner, Vec<T>) + 'static,
    ) where
        R: Serialize + 'static,
        T: FromJson + 'static,
    {
        let wb = self.rc();
        spawn_local(async move {
            if let Some(page) = wb.api::<Page<T>>(action, &request).await {
                store(
                    &mut wb.inner.borrow_mut(),
                    page.map(|p| p.list).unwrap_or_default(),
                );
                wb.notify();
            }
        });
    }

    /// Loads every agent's realtime state (ListRealtimeAgentStates).
    pub fn load_agents(&self) {
        let request = ListRealtimeAgentStatesRequest {
            instance_id: self.inner.borrow().config.instance_id.clone(),
            page_number: 1,
            page_size: PAGE_SIZE,
            agent_id_list: None,
            agent_name: None,
            query: None,
            skill_group_id: None,
            state_list: None,
            work_mode_list: None,
            call_type_list: None,
            outbound_scenario: None,
        };
        self.load(
            Action::ListRealtimeAgentStates,
            request,
            |inner, list: Vec<RealtimeAgentState>| {
                inner.agents = Rc::new(list);
            },
        );
    }

    /// Loads the signed-in agent's recent calls (ListRecentCallDetailRecords).
    pub fn load_records(&self) {
        let (instance_id, user_id) = {
            let inner = self.inner.borrow();
            (
                inner.config.instance_id.clone(),
                inner.login.as_ref().map(|l| l.user_id.clone()),
            )
        };
        let request = ListRecentCallDetailRecordsRequest {
            instance_id,
            user_id,
            page_number: 1,
            page_size: PAGE_SIZE,
            start_time: None,
            end_time: None,
            criteria: None,
        };
        self.load(
            Action::ListRecentCallDetailRecords,
            request,
            |inner, list: Vec<CallDetailRecord>| {
                inner.records = Rc::new(list);
            },
        );
    }

    /// Loads today's figures of the signed-in agent (ListHistoricalAgentReport).
    pub fn load_report(&self) {
        let (instance_id, user_id) = {
            let inner = self.inner.borrow();
            (
                inner.config.instance_id.clone(),
                inner.login.as_ref().map(|l| l.user_id.clone()),
            )
        };
        let request = ListHistoricalAgentReportRequest {
            instance_id,
            agent_id_list: user_id.as_ref().map(|u| format!("[\"{u}\"]")),
            user_id,
            skill_group_id: None,
            start_time: None,
            stop_time: None,
            page_number: 1,
            page_size: 1,
        };
        self.load(
            Action::ListHistoricalAgentReport,
            request,
            |inner, list: Vec<AgentReport>| {
                inner.report = list.into_iter().next().map(Rc::new);
            },
        );
    }

    /// 回拨 on a call record: a masked number (the console hides numbers, changelog 2.5.0) can only be
    /// redialled by its record (RedialCall); a plain one is dialled like `call()`.
    pub fn redial(&self, record: &CallDetailRecord, number: &str) {
        if !number.contains('*') {
            self.call(number, None, super::CallExtras::default());
            return;
        }
        let base = self.agent_request();
        let request = RedialCallRequest {
            instance_id: base.instance_id,
            user_id: base.user_id,
            device_id: base.device_id,
            job_id: Some(record.contact_id.clone()),
            ..RedialCallRequest::default()
        };
        self.command(Method::Call, Action::RedialCall, request, None);
    }

    /// A call record was clicked in 通话记录: `onSelectCurrentCallRecord({record})`.
    pub fn select_record(&self, record: &CallDetailRecord) {
        let payload = serde_json::json!({ "record": super::camel(record) });
        self.host().hook("onSelectCurrentCallRecord", Some(payload));
    }
}
