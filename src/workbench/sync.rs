//! The I/O shell of the panel's lifecycle ([`panel_model::PanelModel`]): it feeds the model what happens
//! to the channels that keep the agent reachable (`sdk-contract.md` §3.6) — the push WebSocket at
//! `AgentServerUrl`, the PollUserStatus loop, the soft phone — and carries out the model's effects: open
//! and close the socket, arm the poll and retry timers, fetch the login details again, start and stop
//! the phone, report and tell the agent.
//!
//! Effects run only after the model's borrow has ended, and a handle being replaced is dropped outside
//! every borrow (a socket's handlers may be the ones running now).

use agent_state::{Event, Source};
use ccc_wire::action::{LoginDetails, StatusData};
use ccc_wire::push::PushMessage;
use ccc_wire::{keys, Action};
use gloo_timers::callback::Timeout;
use panel_model::{Notice, PanelEffect, PanelEvent};
use serde_json::{json, Value};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::Workbench;
use crate::errors::{ErrorCode, ErrorReport};
use crate::i18n::{fill, Catalogue};

/// Consecutive poll failures before `PollUserStatusErrorNotify` is reported.
const POLL_FAILURES_REPORTED: u32 = 3;
/// Close code of a socket that failed without a close frame (RFC 6455 §7.1.5).
const ABNORMAL_CLOSURE: u16 = 1006;

/// The handles the lifecycle owns.
#[derive(Default)]
pub struct Sync {
    socket: Option<PushSocket>,
    poll_timer: Option<Timeout>,
    push_retry: Option<Timeout>,
    phone_retry: Option<Timeout>,
}

/// The push socket and its handlers (dropped together, detached first).
struct PushSocket {
    socket: WebSocket,
    open: bool,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for PushSocket {
    fn drop(&mut self) {
        self.socket.set_onmessage(None);
        self.socket.set_onopen(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// Drops `handle` after the current JS task: a socket's handler may be running now.
fn drop_later<T: 'static>(handle: T) {
    spawn_local(async move { drop(handle) });
}

impl Workbench {
    /// Whether the agent-state socket is connected; `None` while there is none (not signed in yet).
    pub(crate) fn push_socket_state(&self) -> Option<bool> {
        let inner = self.inner.borrow();
        inner.sync.socket.as_ref().map(|s| s.open)
    }

    /// Feeds the lifecycle model, then carries out its effects.
    pub(crate) fn life(&self, event: PanelEvent) {
        let effects = {
            let mut inner = self.inner.borrow_mut();
            inner.life.apply(event, js_sys::Date::now() as u64)
        };
        for effect in effects {
            self.run_life(effect);
        }
    }

    fn run_life(&self, effect: PanelEffect) {
        match effect {
            PanelEffect::OpenPush => self.connect_push(),
            PanelEffect::ClosePush => {
                let (socket, retry) = {
                    let mut inner = self.inner.borrow_mut();
                    (inner.sync.socket.take(), inner.sync.push_retry.take())
                };
                drop_later((socket, retry));
            }
            PanelEffect::PollNow => {
                let timer = self.inner.borrow_mut().sync.poll_timer.take();
                drop(timer);
                self.poll_once();
            }
            PanelEffect::SchedulePoll { after_ms } => {
                let timer = self.timer(after_ms, PanelEvent::PollDue);
                let old = self.inner.borrow_mut().sync.poll_timer.replace(timer);
                drop(old);
            }
            PanelEffect::StopPolling => {
                let timer = self.inner.borrow_mut().sync.poll_timer.take();
                drop(timer);
            }
            PanelEffect::RetryPush { after_ms } => {
                let timer = self.timer(after_ms, PanelEvent::PushRetryDue);
                let old = self.inner.borrow_mut().sync.push_retry.replace(timer);
                drop(old);
            }
            PanelEffect::RetryPhone { after_ms } => {
                let timer = self.timer(after_ms, PanelEvent::PhoneRetryDue);
                let old = self.inner.borrow_mut().sync.phone_retry.replace(timer);
                drop(old);
            }
            PanelEffect::RefreshLogin => self.refresh_login(),
            PanelEffect::StartPhone => {
                let login = self.inner.borrow().login.clone();
                if let Some(login) = login {
                    let wb = self.rc();
                    spawn_local(async move { wb.start_phone(&login).await });
                }
            }
            PanelEffect::StopPhone => {
                let (slot, retry) = {
                    let mut inner = self.inner.borrow_mut();
                    (
                        std::mem::take(&mut inner.phone),
                        inner.sync.phone_retry.take(),
                    )
                };
                drop(retry);
                slot.shut_down();
            }
            PanelEffect::CheckPhone => {
                if let Some(phone) = self.phone() {
                    phone.refresh_registration();
                }
            }
            PanelEffect::UseDefaultDevice { input, output } => {
                {
                    let mut inner = self.inner.borrow_mut();
                    if input {
                        inner.audio_input.clear();
                    }
                    if output {
                        inner.audio_output.clear();
                    }
                }
                self.apply_phone_settings();
                self.notify();
            }
            PanelEffect::Report { code, msg } => self.report(code, msg),
            PanelEffect::Notice(notice) => self.toast(notice_text(self.text(), &notice)),
        }
    }

    /// A timer that feeds `event` to the model when it fires.
    fn timer(&self, after_ms: u32, event: PanelEvent) -> Timeout {
        let me = self.me.clone();
        Timeout::new(after_ms, move || {
            if let Some(wb) = me.upgrade() {
                wb.life(event);
            }
        })
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
                    wb.dispatch(Event::Snapshot {
                        source: Source::Poll { sent_at },
                        data,
                    });
                    wb.life(PanelEvent::PollAnswered);
                }
                Ok(None) | Err(_) => {
                    wb.life(PanelEvent::PollFailed);
                    if wb.inner.borrow().life.poll_failures() == POLL_FAILURES_REPORTED {
                        wb.host().error(&ErrorReport {
                            code: ErrorCode::Api("PollUserStatusErrorNotify".into()),
                            msg: json!("PollUserStatus failed repeatedly"),
                            tip: crate::errors::POLL_USER_STATUS_TIP.into(),
                            request_id: None,
                        });
                    }
                }
            }
        });
    }

    pub(super) fn poll_request(&self) -> ccc_wire::action::AgentRequest {
        let inner = self.inner.borrow();
        ccc_wire::action::AgentRequest {
            instance_id: inner.config.instance_id.clone(),
            user_id: inner.login.as_ref().map(|l| l.user_id.clone()),
            device_id: Some(inner.device_id.clone()),
            ..Default::default()
        }
    }

    /// GetLoginDetails again: a restarted call center hands out a new push token and SIP password.
    fn refresh_login(&self) {
        let (api, request) = (self.inner.borrow().api.clone(), self.login_request());
        let wb = self.rc();
        spawn_local(async move {
            let answer = api
                .call::<LoginDetails>(Action::GetLoginDetails, &request)
                .await;
            match answer {
                Ok(Some(login)) => {
                    wb.inner.borrow_mut().login = Some(login);
                    wb.life(PanelEvent::LoginRefreshed);
                }
                _ => wb.life(PanelEvent::LoginRefreshFailed),
            }
        });
    }

    fn connect_push(&self) {
        let url = self
            .inner
            .borrow()
            .login
            .as_ref()
            .map(|l| l.agent_server_url.clone())
            .unwrap_or_default();
        if url.is_empty() {
            return;
        }
        let old = self.inner.borrow_mut().sync.socket.take();
        drop_later(old);
        let socket = match WebSocket::new(&url) {
            Ok(socket) => socket,
            Err(_) => {
                self.report(9007, format!("cannot open the agent-state socket {url}"));
                self.life(PanelEvent::PushClosed {
                    code: ABNORMAL_CLOSURE,
                });
                return;
            }
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
                let Some(wb) = me.upgrade() else { return };
                if let Some(s) = wb.inner.borrow_mut().sync.socket.as_mut() {
                    s.open = true;
                }
                wb.life(PanelEvent::PushOpened);
            })
        };
        let on_close = {
            let me = self.me.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let Some(wb) = me.upgrade() else { return };
                let code = e
                    .dyn_ref::<CloseEvent>()
                    .map_or(ABNORMAL_CLOSURE, CloseEvent::code);
                if let Some(s) = wb.inner.borrow_mut().sync.socket.as_mut() {
                    s.open = false;
                }
                wb.life(PanelEvent::PushClosed { code });
            })
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.inner.borrow_mut().sync.socket = Some(PushSocket {
            socket,
            open: false,
            _handlers: vec![on_message, on_open, on_close],
        });
    }
}

/// What the agent reads over the panel.
fn notice_text(text: &Catalogue, notice: &Notice) -> String {
    match notice {
        Notice::Reconnecting => text.reconnecting.into(),
        // Integer arithmetic: no float formatting in the wasm.
        Notice::Reconnected { down_ms } => fill(
            text.reconnected,
            &[
                &(down_ms / 1000).to_string(),
                &(down_ms % 1000 / 100).to_string(),
            ],
        ),
        Notice::DeviceFallback => text.device_fallback.into(),
    }
}
