//! The two channels that keep the agent state current (`sdk-contract.md` §3.6): the push WebSocket at
//! `AgentServerUrl`, and PollUserStatus every `pollFrequenceWithWS` ms while it is open, every
//! `pollFrequenceWithoutWS` ms while it is not. Both feed [`Workbench::dispatch`]; the reducer discards stale
//! poll answers.

use agent_state::{Event, Source};
use ccc_wire::action::StatusData;
use ccc_wire::push::PushMessage;
use ccc_wire::{keys, Action};
use gloo_timers::callback::Timeout;
use serde_json::{json, Value};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MessageEvent, WebSocket};

use super::Workbench;
use crate::errors::ErrorReport;

/// Consecutive poll failures before `PollUserStatusErrorNotify` is reported.
const POLL_FAILURES_REPORTED: u32 = 3;
/// Delay before reconnecting a closed push socket.
const RECONNECT_MS: u32 = 3000;

/// Live resources of the sync channels.
#[derive(Default)]
pub struct Sync {
    socket: Option<WebSocket>,
    socket_open: bool,
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    poll_timer: Option<Timeout>,
    reconnect_timer: Option<Timeout>,
    poll_failures: u32,
}

impl Sync {
    /// Closes the socket and cancels every timer.
    pub fn stop(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.set_onmessage(None);
            socket.set_onopen(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        self.handlers.clear();
        self.poll_timer = None;
        self.reconnect_timer = None;
        self.socket_open = false;
    }
}

impl Workbench {
    /// Whether the agent-state socket is connected; `None` while there is none (not signed in yet).
    pub(crate) fn push_socket_state(&self) -> Option<bool> {
        let inner = self.inner.borrow();
        inner.sync.socket.as_ref().map(|_| inner.sync.socket_open)
    }

    /// Starts both channels (after a successful register).
    pub(crate) fn start_sync(&self) {
        self.connect_push();
        self.schedule_poll();
    }

    fn schedule_poll(&self) {
        let me = self.me.clone();
        let mut inner = self.inner.borrow_mut();
        if inner.unloaded {
            return;
        }
        let every = if inner.sync.socket_open {
            inner.config.poll_with_ws_ms
        } else {
            inner.config.poll_without_ws_ms
        };
        inner.sync.poll_timer = Some(Timeout::new(every, move || {
            if let Some(wb) = me.upgrade() {
                wb.poll_once();
            }
        }));
    }

    fn poll_once(&self) {
        let (api, request, sent_at) = {
            let inner = self.inner.borrow();
            (inner.api.clone(), self.poll_request(), inner.state.epoch())
        };
        let wb = self.rc();
        spawn_local(async move {
            match api
                .call::<StatusData>(Action::PollUserStatus, &request)
                .await
            {
                Ok(Some(data)) => {
                    wb.inner.borrow_mut().sync.poll_failures = 0;
                    wb.dispatch(Event::Snapshot {
                        source: Source::Poll { sent_at },
                        data,
                    });
                }
                Ok(None) | Err(_) => {
                    let failures = {
                        let mut inner = wb.inner.borrow_mut();
                        inner.sync.poll_failures += 1;
                        inner.sync.poll_failures
                    };
                    if failures == POLL_FAILURES_REPORTED {
                        wb.host().error(&ErrorReport {
                            code: json!("PollUserStatusErrorNotify"),
                            msg: json!("PollUserStatus failed repeatedly"),
                            tip: "无法获取坐席状态,请重新登录".into(),
                            request_id: None,
                        });
                    }
                }
            }
            wb.schedule_poll();
        });
    }

    fn poll_request(&self) -> ccc_wire::action::AgentRequest {
        let inner = self.inner.borrow();
        ccc_wire::action::AgentRequest {
            instance_id: inner.config.instance_id.clone(),
            user_id: inner.login.as_ref().map(|l| l.user_id.clone()),
            device_id: Some(inner.device_id.clone()),
            ..Default::default()
        }
    }

    fn connect_push(&self) {
        let url = self
            .inner
            .borrow()
            .login
            .as_ref()
            .map(|l| l.agent_server_url.clone())
            .unwrap_or_default();
        if url.is_empty() || self.inner.borrow().unloaded {
            return;
        }
        let Ok(socket) = WebSocket::new(&url) else {
            self.report(9007, format!("cannot open the agent-state socket {url}"));
            return;
        };
        let on_message = {
            let me = self.me.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let Some(text) = e
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    return;
                };
                let Some(wb) = me.upgrade() else { return };
                match PushMessage::from_json(keys::to_pascal(value)) {
                    Some(PushMessage::UserStatus(data)) => wb.dispatch(Event::Snapshot {
                        source: Source::Push,
                        data: *data,
                    }),
                    Some(PushMessage::Kicked { device_id }) => wb.kicked(device_id),
                    None => {}
                }
            })
        };
        let on_open = {
            let me = self.me.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                if let Some(wb) = me.upgrade() {
                    wb.inner.borrow_mut().sync.socket_open = true;
                }
            })
        };
        let on_close = {
            let me = self.me.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let Some(wb) = me.upgrade() else { return };
                let me = wb.me.clone();
                let mut inner = wb.inner.borrow_mut();
                inner.sync.socket_open = false;
                if inner.unloaded {
                    return;
                }
                inner.sync.reconnect_timer = Some(Timeout::new(RECONNECT_MS, move || {
                    if let Some(wb) = me.upgrade() {
                        wb.connect_push();
                    }
                }));
            })
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        if let Some(old) = inner.sync.socket.replace(socket) {
            // Detach before the old handlers are dropped below.
            old.set_onmessage(None);
            old.set_onopen(None);
            old.set_onclose(None);
            let _ = old.close();
        }
        inner.sync.handlers = vec![on_message, on_open, on_close];
    }
}
