//! [`UaConfig`]: who the user agent is and how it reaches the registrar, and the configurations of
//! the machines it drives ([`RegisterConfig`], [`CallConfig`]) derived from it.

use crate::call::CallConfig;
use crate::register::RegisterConfig;
use crate::uri::SipUri;

/// Who the user agent is, where it registers, and how it reaches the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UaConfig {
    /// The address of record, `sip:<user>@<domain>`: From and To of REGISTER, From of the calls we
    /// place.
    pub aor: SipUri,
    /// The Digest user name.
    pub username: String,
    /// The Digest password.
    pub password: String,
    /// A display name for From (calls and REGISTER).
    pub display_name: Option<String>,
    /// The Request-URI of REGISTER, e.g. `sip:<domain>`.
    pub registrar: SipUri,
    /// The Via sent-by host: a random `xxxx.invalid` name (RFC 7118 §5).
    pub via_host: String,
    /// The Via transport (RFC 7118 §5.2): `WS` over a `ws://` socket, `WSS` over `wss://` (empty:
    /// `WSS`).
    pub via_transport: String,
    /// Our Contact, `sip:<random>@<via_host>;transport=ws`.
    pub contact: SipUri,
    /// The REGISTER interval asked for, in seconds (e.g. 600).
    pub expires: u32,
    /// The User-Agent header value (empty: none is sent).
    pub user_agent: String,
    /// 0: no keep-alive. Otherwise, while registered, a `CRLF CRLF` ping (RFC 5626 §4.4.1) is sent
    /// every this many milliseconds; the `CRLF` pong is read and ignored (a dead connection is the
    /// WebSocket's to notice, reported as [`super::UaInput::TransportDown`]).
    pub keepalive_ms: u32,
}

impl UaConfig {
    fn user_agent(&self) -> Option<String> {
        (!self.user_agent.is_empty()).then(|| self.user_agent.clone())
    }

    fn via_transport(&self) -> String {
        match self.via_transport.as_str() {
            "" => "WSS".into(),
            t => t.into(),
        }
    }

    /// The REGISTER machine's configuration: our Via transport, the refresh 5 s before expiry, a plain
    /// RFC 3261 Contact (no `+sip.instance` / `reg-id`: the configuration carries no instance id).
    pub(super) fn register_config(&self) -> RegisterConfig {
        let mut c = RegisterConfig::new(
            self.registrar.clone(),
            self.aor.clone(),
            self.contact.clone(),
            &self.via_host,
            &self.username,
            &self.password,
        );
        c.display_name = self.display_name.clone();
        c.via_transport = self.via_transport();
        c.reg_id = None;
        c.expires = self.expires;
        c.user_agent = self.user_agent();
        c
    }

    /// The call machine's configuration: our Via transport, T1 500 ms, the Digest credentials.
    pub(super) fn call_config(&self) -> CallConfig {
        let mut c = CallConfig::new(self.aor.clone(), self.contact.clone(), &self.via_host)
            .with_credentials(&self.username, &self.password);
        c.via_transport = self.via_transport();
        c.display_name = self.display_name.clone();
        c.user_agent = self.user_agent();
        c
    }
}
