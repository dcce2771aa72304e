//! The emulator's control API (`/emulator/v1/*`, camelCase JSON): what tests and demos use to play the
//! customer and the network.
//!
//! - `GET  /emulator/v1/health` → `{"ok":true}`
//! - `GET  /emulator/v1/state` → agents and live calls (per channel: state, call type, flags and the DTMF digits
//!   it received); an agent whose soft phone is registered shows its Contact as `sipContact`
//! - `POST /emulator/v1/inbound-calls` `{"caller","skillGroupId"?}` → `{"jobId","userId"}`
//! - `GET  /emulator/v1/calls/{jobId}` → `{"jobId","state","customer","agents"}`: the live call's state
//!   (`ringing` / `dialing` / `talking`) and its media: the simulated customer's `LegStats` (`null` until the SIP
//!   service runs) and each agent soft phone's `LegStats` by user id (`ccc-media`'s camelCase statistics:
//!   `packetsReceived`, `levelDbfs`, `dominantHz`, `heardMs`, `dtmf`…); 404 for a job that is not live
//! - `POST /emulator/v1/calls/{jobId}/hangup` `{"number"?}` → the customer (far end) hangs up; in a conference
//!   only the party with that number (the customer when absent) leaves
//! - `POST /emulator/v1/calls/{jobId}/ivr-return` → the customer comes back from its authentication IVR
//! - `PUT  /emulator/v1/numbers/{number}` `{"answer":"auto"|"busy"|"no-answer","delayMs"?}`
//! - `POST /emulator/v1/agents/{userId}/device` `{"deviceId","deviceType"?}` → "another device signed in": that
//!   device is registered for the agent (even during a call) and the agent's push sockets get `Kicked`;
//!   answers `{"userId","deviceId","kickedDeviceId"}`
//! - `POST /emulator/v1/agents/{userId}/drop` `{"push"?: bool, "sip"?: bool}` (each `false` when left out; an
//!   empty body means both `true`) → "the network dropped the agent": its agent-state push sockets are
//!   closed by the server with close code 1012 (service restart, with a reason: reconnect with the same
//!   token) and/or its SIP WebSockets just end (no close frame; its binding goes, a call leg on them is lost
//!   and waits `agent_leg_grace` for the phone to register again); answers
//!   `{"push": <push sockets closed>, "sip": <SIP sockets closed>}`
//!
//! - `GET  /emulator/v1/uploads` → what panels uploaded, oldest first (the latest 200):
//!   `[{"action": "SaveTerminalLog"|"SaveWebRtcInfo", "userId", "atMs", "params": {…as sent}}]`
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
use crate::emulator::ivr::IvrReturnError;
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

impl From<IvrReturnError> for ControlError {
    fn from(e: IvrReturnError) -> Self {
        match e {
            IvrReturnError::NoCall(_) => ControlError::NotFound(e.to_string()),
            IvrReturnError::NotInIvr(_) => ControlError::BadRequest(e.to_string()),
        }
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
        .route("/emulator/v1/uploads", get(uploads))
        .route("/emulator/v1/inbound-calls", post(inbound))
        .route("/emulator/v1/calls/{job_id}", get(call_media))
        .route("/emulator/v1/calls/{job_id}/hangup", post(hangup))
        .route("/emulator/v1/calls/{job_id}/ivr-return", post(ivr_return))
        .route("/emulator/v1/numbers/{number}", put(number))
        .route("/emulator/v1/agents/{user_id}/device", post(device))
        .route("/emulator/v1/agents/{user_id}/drop", post(drop_sockets))
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

async fn call_media(
    State(app): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Json<Value>, ControlError> {
    let state = app
        .hub
        .read(|emu| emu.calls().find(|c| c.job_id == job_id).map(Call::phase))
        .ok_or_else(|| ControlError::NotFound(format!("no live call {job_id}")))?;
    let media = app.sip.stats(&job_id).await;
    Ok(Json(json!({
        "jobId": job_id,
        "state": state,
        "customer": media.customer,
        "agents": media.agents,
    })))
}

/// Body of `POST /emulator/v1/calls/{jobId}/hangup` (optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HangupRequest {
    #[serde(default)]
    number: Option<String>,
}

async fn hangup(
    State(app): State<AppState>,
    Path(job_id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let req: HangupRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        HangupRequest::default()
    } else {
        body(&bytes)?
    };
    let number = req.number.filter(|n| !n.trim().is_empty());
    if app
        .hub
        .run(|emu| emu.far_end_hangup(&job_id, number.as_deref()))
    {
        Ok(Json(json!({"ok": true})))
    } else {
        Err(ControlError::NotFound(match number {
            Some(n) => format!("no party {n} in live call {job_id}"),
            None => format!("no live call {job_id}"),
        }))
    }
}

async fn ivr_return(
    State(app): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Json<Value>, ControlError> {
    app.hub.run(|emu| emu.ivr_return(&job_id))?;
    Ok(Json(json!({"ok": true})))
}

/// Body of `POST /emulator/v1/agents/{userId}/device`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceRequest {
    device_id: String,
    #[serde(default)]
    device_type: Option<String>,
}

async fn device(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let req: DeviceRequest = body(&bytes)?;
    if req.device_id.trim().is_empty() {
        return Err(ControlError::BadRequest("deviceId is empty".into()));
    }
    let done = app
        .hub
        .run(|emu| {
            emu.agent(&user_id)?;
            emu.register_device(&user_id, &req.device_id, req.device_type.as_deref(), true)
        })
        .map_err(|e| ControlError::NotFound(e.message))?;
    Ok(Json(json!({
        "userId": user_id,
        "deviceId": done.device_id,
        "kickedDeviceId": done.kicked_device_id,
    })))
}

/// Body of `POST /emulator/v1/agents/{userId}/drop` (absent or empty: both `true`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DropRequest {
    #[serde(default)]
    push: bool,
    #[serde(default)]
    sip: bool,
}

/// `POST /emulator/v1/agents/{userId}/drop`: closes the agent's push sockets (1012) and/or SIP WebSockets as a
/// network failure would; 404 for an unknown agent, 400 for a body that is not `{"push"?: bool, "sip"?:
/// bool}`.
async fn drop_sockets(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let req = if bytes.iter().all(u8::is_ascii_whitespace) {
        DropRequest {
            push: true,
            sip: true,
        }
    } else {
        let bad = |e: &dyn std::fmt::Display| {
            ControlError::BadRequest(format!(
                "the body must be {{\"push\": true|false, \"sip\": true|false}} (each optional) or empty: {e}"
            ))
        };
        // An object only (serde would also take `[true, true]` for the struct).
        match serde_json::from_slice::<Value>(&bytes).map_err(|e| bad(&e))? {
            object @ Value::Object(_) => serde_json::from_value(object).map_err(|e| bad(&e))?,
            _ => return Err(bad(&"not a JSON object")),
        }
    };
    app.hub
        .read(|emu| emu.agent(&user_id).map(|_| ()))
        .map_err(|e| ControlError::NotFound(e.message))?;
    let push = if req.push {
        app.hub.drop_push(&user_id)
    } else {
        0
    };
    let sip = if req.sip {
        app.sip.drop_agent(&user_id).await
    } else {
        0
    };
    tracing::info!(user = %user_id, push, sip, "control: sockets dropped");
    Ok(Json(json!({"push": push, "sip": sip})))
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
    /// The registered device (ListDevices), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<String>,
    /// The soft phone's live SIP binding (its registered Contact), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    sip_contact: Option<String>,
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
    /// The call is a conference.
    conference: bool,
    /// LaunchSurvey sent the customer to the survey.
    survey_launched: bool,
    /// The IVR flow the customer is in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_flow_id: Option<String>,
    /// The customer's IVR visit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    ivr: Option<IvrView>,
    channels: Vec<ChannelView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IvrView {
    /// `survey` or `authentication`.
    kind: String,
    contact_flow_id: String,
    /// `ContactFlowVariables`: the JSON it holds, else the text as sent (`null` when none).
    contact_flow_variables: Value,
    since_ms: i64,
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

async fn uploads(State(app): State<AppState>) -> Json<Value> {
    Json(app.hub.read(|emu| {
        emu.uploads()
            .iter()
            .map(|u| {
                json!({"action": u.action.as_str(), "userId": u.user_id, "atMs": u.at_ms, "params": u.params})
            })
            .collect()
    }))
}

async fn state(State(app): State<AppState>) -> Json<StateView> {
    let mut bindings = app.sip.bindings().await;
    let mut state = app.hub.read(view);
    for agent in &mut state.agents {
        agent.sip_contact = bindings.remove(&agent.user_id);
    }
    Json(state)
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
            skill_groups: emu.groups_of(&a.user_id).map(|g| g.id.clone()).collect(),
            signed_skill_groups: a.signed_groups.clone(),
            job_id: Some(a.job_id.clone()).filter(|j| !j.is_empty()),
            device_id: a.registration.as_ref().map(|r| r.device_id.clone()),
            sip_contact: None,
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
        call_type: call.context("").call_type.to_string(),
        conference: call.conference,
        survey_launched: call.survey_launched,
        contact_flow_id: call.ivr.as_ref().map(|i| i.contact_flow_id.clone()),
        ivr: call.ivr.as_ref().map(|i| IvrView {
            kind: i.kind.as_str().into(),
            contact_flow_id: i.contact_flow_id.clone(),
            contact_flow_variables: if i.variables.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&i.variables)
                    .unwrap_or_else(|_| Value::String(i.variables.clone()))
            },
            since_ms: i.since_ms,
        }),
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
