//! `checkNetwork()`: can this browser reach the call center? One read-only API round trip (GetLoginDetails)
//! and, when the agent is signed in, the agent-state socket. A problem is reported as 9007 with what
//! failed; success shows the measured round trip over the panel.

use ccc_wire::action::LoginDetails;
use ccc_wire::Action;
use wasm_bindgen_futures::spawn_local;

use super::Workbench;
use crate::i18n::fill;

impl Workbench {
    /// `checkNetwork()`.
    pub fn check_network(&self) {
        let (api, request) = (self.inner.borrow().api.clone(), self.login_request());
        let wb = self.rc();
        spawn_local(async move {
            let started = js_sys::Date::now();
            let answer = api
                .call::<LoginDetails>(Action::GetLoginDetails, &request)
                .await;
            let millis = (js_sys::Date::now() - started).max(0.0) as u64;
            match answer {
                Err(crate::api::ApiFailure::Network(reason)) => {
                    wb.report(
                        9007,
                        format!("checkNetwork: the call-center API is unreachable: {reason}"),
                    );
                }
                // Any CCC answer, even an error, proves the way there works.
                _ => {
                    let socket = wb.push_socket_state();
                    if socket == Some(false) {
                        wb.report(
                            9007,
                            "checkNetwork: the agent-state socket is not connected",
                        );
                    } else {
                        wb.toast(fill(wb.text().network_ok, &[&millis.to_string()]));
                    }
                }
            }
        });
    }
}
