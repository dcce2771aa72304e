//! Regression (interop with Kamailio, 2026-11): the Via transport of every request the user agent sends
//! follows [`UaConfig::via_transport`] — `WS` over a `ws://` socket, `WSS` over `wss://` (RFC 7118 §5.2).
//! It used to be `WSS` always, also on plain `ws://`, so the Via named a transport the request did not
//! use.

use ccc_sip::ids::SeqIds;
use ccc_sip::ua::{UaConfig, UaInput, UaOutput, UserAgent};
use ccc_sip::{Scheme, SipUri};

fn ua(via_transport: &str) -> UserAgent {
    UserAgent::new(UaConfig {
        aor: SipUri::new(Scheme::Sip, "example.com").with_user("alice"),
        username: "alice".into(),
        password: "secret".into(),
        display_name: None,
        registrar: SipUri::new(Scheme::Sip, "example.com"),
        via_host: "k6p2v.invalid".into(),
        via_transport: via_transport.into(),
        contact: SipUri::new(Scheme::Sip, "k6p2v.invalid")
            .with_user("k6p2v")
            .with_param("transport", Some("ws")),
        expires: 600,
        user_agent: String::new(),
        keepalive_ms: 0,
    })
}

/// The Via lines of the frames `out` sends.
fn vias(out: &[UaOutput]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            UaOutput::Send(f) => Some(String::from_utf8_lossy(f).into_owned()),
            _ => None,
        })
        .flat_map(|t| {
            t.lines()
                .filter(|l| l.starts_with("Via:"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn register_and_invite_carry_the_configured_via_transport() {
    for (configured, sent) in [("WS", "WS"), ("WSS", "WSS"), ("", "WSS")] {
        let mut ua = ua(configured);
        let mut ids = SeqIds::new("x");
        let mut out = ua.handle(UaInput::Register, &mut ids);
        out.extend(ua.handle(
            UaInput::Call {
                target: SipUri::new(Scheme::Sip, "example.com").with_user("bob"),
                sdp: "v=0\r\n".into(),
                extra_headers: Vec::new(),
            },
            &mut ids,
        ));
        let vias = vias(&out);
        assert_eq!(vias.len(), 2, "{out:?}");
        for via in vias {
            assert!(
                via.starts_with(&format!("Via: SIP/2.0/{sent} k6p2v.invalid;branch=")),
                "{configured:?}: {via}"
            );
        }
    }
}
