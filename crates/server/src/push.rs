//! `GET /emulator/ws/agent-events?token=<t>`: the agent-state WebSocket (`GetLoginDetails.AgentServerUrl`).
//!
//! On connect the agent's current snapshot is pushed, then one [`PushMessage::UserStatus`] per change of that
//! agent, in order. A subscriber that falls behind gets a fresh snapshot instead of the missed ones (clients
//! order snapshots by `ContextId`).
//!
//! Close codes the server sends:
//! - 4401 with a reason: an unknown or missing token (the socket is accepted, then closed). Tokens are random
//!   per server run, so after a restart an old `AgentServerUrl` gets 4401: fetch GetLoginDetails again.
//! - 1012 ("service restart") with a reason: the server closed a good socket itself — the control API's
//!   `POST /emulator/v1/agents/{userId}/drop`, or the server shutting down. Reconnect (the same token works
//!   while the server runs).

use std::collections::HashMap;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use ccc_wire::push::PushMessage;
use tokio::sync::broadcast::error::RecvError;

use crate::hub::{Hub, Subscription};
use crate::AppState;

/// Close code for an unknown or missing token.
const UNKNOWN_TOKEN: u16 = 4401;

/// The socket's read buffer. tungstenite's default (128 KiB) is zero-filled on the first read, so every idle
/// socket cost ~128 KiB of resident memory; a client only ever sends pings and a close frame here (a larger
/// frame grows the buffer as needed).
const READ_BUFFER: usize = 4 * 1024;
/// The largest message (and frame) a client may send: nothing it sends is read, so a little suffices.
const MAX_INCOMING: usize = 64 * 1024;

/// The upgrade handler.
pub(crate) async fn handle(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let token = query.get("token").cloned().unwrap_or_default();
    // Frames are written as they are sent (no write buffering: each push is one frame, flushed at once).
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .on_upgrade(move |socket| serve(socket, app.hub, token))
}

async fn serve(mut socket: WebSocket, hub: Hub, token: String) {
    let _running = hub.socket_guard();
    let Some(Subscription {
        user,
        snapshot,
        mut pushes,
        mut lease,
    }) = hub.subscribe(&token)
    else {
        tracing::info!("agent-events: unknown token, closing");
        let frame = CloseFrame {
            code: UNKNOWN_TOKEN,
            reason: "unknown token: use GetLoginDetails.AgentServerUrl".into(),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
        return;
    };
    tracing::info!(%user, "agent-events: connected");
    if send(&mut socket, &PushMessage::UserStatus(Box::new(snapshot)))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            pushed = pushes.recv() => {
                let message = match pushed {
                    Ok(m) => m,
                    Err(RecvError::Lagged(_)) => match hub.snapshot(&user) {
                        Some(s) => PushMessage::UserStatus(Box::new(s)),
                        None => break,
                    },
                    Err(RecvError::Closed) => break,
                };
                if send(&mut socket, &message).await.is_err() {
                    break;
                }
            }
            close = &mut lease.close => {
                if let Ok(close) = close {
                    tracing::info!(%user, code = close.code, "agent-events: closed by the server");
                    let frame = CloseFrame {
                        code: close.code,
                        reason: close.reason.into(),
                    };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                }
                break;
            }
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    tracing::info!(%user, "agent-events: disconnected");
}

async fn send(socket: &mut WebSocket, message: &PushMessage) -> Result<(), axum::Error> {
    let text = serde_json::to_string(message).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}
