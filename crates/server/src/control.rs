//! The emulator's control API (`/emulator/v1/*`, camelCase JSON): what tests and demos use to play the
//! customer and the network.
//!
//! - `GET  /emulator/v1/health` → `{"ok":true}`
//! - `GET  /emulator/v1/state` → agents and live calls (per channel: state, call type, flags and the DTMF digits
//!   it received)
//! - `POST /emulator/v1/inbound-calls` `{"caller","skillGroupId"?}` → `{"jobId","userId"}`
//! - `POST /emulator/v1/calls/{jobId}/hangup` → the customer (far end) hangs up
//! - `PUT  /emulator/v1/numbers/{number}` `{"answer":"auto"|"busy"|"no-answer","delayMs"?}`
//!
//! Errors are `{"error": "<message>"}` with 400 or 404.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::emulator::calls::{Call, InboundError};
use crate::emulator::data::NumberBehaviour;
use crate::emulator::Emulator;
use crate::AppState;

/// A control-API failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ControlError {
    /// 400: the body is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 404: no such thing, or nobody can take the call.
    #[error("{0}")]
    NotFound(String),
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = match self {
            ControlError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ControlError::NotFound(_) => StatusCode::NOT_FOUND,
        };
        (status, Json(json!({"error": self.to_string()}))).into_response()
    }
}

impl From<InboundError> for ControlError {
    fn from(e: InboundError) -> Self {
        ControlError::NotFound(e.to_string())
    }
}

/// The `/emulator/v1` routes (WebSocket excluded).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/emulator/v1/health",
            get(|| async { Json(json!({"ok": true})) }),
        )
        .route("/emulator/v1/state", get(state))
        .route("/emulator/v1/inbound-calls", post(inbound))
        .route("/emulator/v1/calls/{job_id}/hangup", post(hangup))
        .route("/emulator/v1/numbers/{number}", put(number))
}

fn body<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ControlError::BadRequest(format!("invalid JSON body: {e}")))
}

/// Body of `POST /emulator/v1/inbound-calls`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InboundRequest {
    caller: String,
    #[serde(default)]
    skill_group_id: Option<String>,
}

async fn inbound(State(app): State<AppState>, bytes: Bytes) -> Result<Json<Value>, ControlError> {
    let req: InboundRequest = body(&bytes)?;
    if req.caller.trim().is_empty() {
        return Err(ControlError::BadRequest("caller is empty".into()));
    }
    let group = req.skill_group_id.filter(|g| !g.is_empty());
    let (job_id, user_id) = app
        .hub
        .run(|emu| emu.inbound(&req.caller, group.as_deref()))?;
    Ok(Json(json!({"jobId": job_id, "userId": user_id})))
}

async fn hangup(
    State(app): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Json<Value>, ControlError> {
    if app.hub.run(|emu| emu.far_end_hangup(&job_id)) {
        Ok(Json(json!({"ok": true})))
    } else {
        Err(ControlError::NotFound(format!("no live call {job_id}")))
    }
}

async fn number(
    State(app): State<AppState>,
    Path(number): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let behaviour: NumberBehaviour = body(&bytes)?;
    let echo = json!({"number": number, "behaviour": behaviour});
    app.hub.run(|emu| emu.set_number(number, behaviour));
    Ok(Json(echo))
}

/// `GET /emulator/v1/state` answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StateView {
    instance_id: String,
    agents: Vec<AgentView>,
    calls: Vec<CallView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AgentView {
    user_id: String,
    extension: String,
    display_name: String,
    role: String,
    state: String,
    break_code: String,
    work_mode: String,
    outbound_scenario: bool,
    skill_groups: Vec<String>,
    signed_skill_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<String>,
    context_id: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CallView {
    job_id: String,
    direction: String,
    caller: String,
    callee: String,
    state: String,
    call_type: String,
    channels: Vec<ChannelView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChannelView {
    channel_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    state: String,
    call_type: String,
    flags: String,
    originator: String,
    destination: String,
    /// DTMF digits this leg received, in order.
    dtmf_received: String,
}

async fn state(State(app): State<AppState>) -> Json<StateView> {
    Json(app.hub.read(view))
}

fn view(emu: &Emulator) -> StateView {
    let config = emu.config();
    let agents = emu
        .agents()
        .iter()
        .map(|a| AgentView {
            user_id: a.user_id.clone(),
            extension: a.extension.clone(),
            display_name: a.display_name.clone(),
            role: a.role.clone(),
            state: a.state.to_string(),
            break_code: a.break_code.clone(),
            work_mode: a.work_mode.clone(),
            outbound_scenario: a.outbound_scenario,
            skill_groups: config.groups_of(&a.user_id).map(|g| g.id.clone()).collect(),
            signed_skill_groups: a.signed_groups.clone(),
            job_id: Some(a.job_id.clone()).filter(|j| !j.is_empty()),
            context_id: a.context_id,
        })
        .collect();
    StateView {
        instance_id: config.instance_id.clone(),
        agents,
        calls: emu.calls().map(call_view).collect(),
    }
}

fn call_view(call: &Call) -> CallView {
    CallView {
        job_id: call.job_id.clone(),
        direction: call.call_type.as_str().to_ascii_lowercase(),
        caller: call.caller.clone(),
        callee: call.callee.clone(),
        state: call.phase().into(),
        call_type: call.call_type.to_string(),
        channels: call
            .channels
            .iter()
            .map(|c| ChannelView {
                channel_id: c.channel_id.clone(),
                user_id: Some(c.user_id.clone()).filter(|u| !u.is_empty()),
                state: c.channel_state.to_string(),
                call_type: c.call_type.to_string(),
                flags: c.channel_flags.clone(),
                originator: c.originator.clone(),
                destination: c.destination.clone(),
                dtmf_received: call
                    .dtmf
                    .iter()
                    .find(|(ch, _)| *ch == c.channel_id)
                    .map(|(_, d)| d.clone())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}
