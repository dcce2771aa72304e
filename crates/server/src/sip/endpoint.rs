//! `GET /emulator/ws/sip`: the SIP-over-WebSocket endpoint (RFC 7118) of the agents' soft phones
//! (`GetLoginDetails.SipServerUrl`).
//!
//! The upgrade must ask for the subprotocol `sip` (echoed in `Sec-WebSocket-Protocol`); without it the
//! request is refused with 400 and a message saying so. One SIP message per text frame (binary frames are
//! read the same way); everything else happens in the SIP service.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::service::Input;
use super::Sip;
use crate::AppState;

/// The subprotocol of SIP over WebSocket.
pub(crate) const SUBPROTOCOL: &str = "sip";

static CONN_SEQ: AtomicU64 = AtomicU64::new(1);

/// The socket's read buffer: a SIP message with its SDP is a few KiB (a larger one grows the buffer), and
/// tungstenite's 128 KiB default is zero-filled on the first read — resident memory for every phone.
const READ_BUFFER: usize = 16 * 1024;

/// The upgrade handler.
pub(crate) async fn handle(
    State(app): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let wants_sip = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case(SUBPROTOCOL));
    if !wants_sip {
        return (
            StatusCode::BAD_REQUEST,
            "SIP over WebSocket needs the subprotocol `sip` (Sec-WebSocket-Protocol: sip, RFC 7118)",
        )
            .into_response();
    }
    let sip = app.sip.clone();
    ws.protocols([SUBPROTOCOL])
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve(socket, sip))
}

async fn serve(mut socket: WebSocket, sip: Sip) {
    let _running = sip.hub.socket_guard();
    let conn = CONN_SEQ.fetch_add(1, Ordering::Relaxed);
    let (out, mut outgoing) = mpsc::unbounded_channel::<String>();
    sip.send(Input::Connected { conn, out });
    tracing::info!(conn, "sip: connected");
    loop {
        tokio::select! {
            frame = outgoing.recv() => match frame {
                Some(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(t))) => sip.send(Input::Frame { conn, text: t.to_string() }),
                Some(Ok(Message::Binary(b))) => sip.send(Input::Frame {
                    conn,
                    text: String::from_utf8_lossy(&b).into_owned(),
                }),
                Some(Ok(_)) => {}
                None | Some(Err(_)) => break,
            },
        }
    }
    sip.send(Input::Closed { conn });
    tracing::info!(conn, "sip: disconnected");
}
