//! Wire types of the CCC OpenAPI 2020-07-01 as the workbench speaks it.
//!
//! One home for every JSON shape that crosses a process boundary, so the browser panel, the proxy and the
//! emulator cannot drift apart: the response envelope, the agent/call contexts, the request and response
//! bodies of each action the walking skeleton uses, and the agent-state push message.
//!
//! Keys on the wire are PascalCase (the OpenAPI's spelling). Hosts and backends may send lowerCamel keys
//! instead; [`keys::to_pascal`] normalises any JSON value before it is read into these types, and
//! [`keys::to_camel`] produces the lowerCamel spelling the SDK's hooks hand to host pages.
//!
//! # Layout
//! - [`envelope`]: the `{Code, HttpStatusCode, Message, RequestId, Data, Params}` envelope and its errors.
//! - [`keys`]: key-case normalisation.
//! - [`context`]: `UserContext`, `CallContext`, `ChannelContext` and their enums.
//! - [`action`]: the action names, plus the request and response bodies per action.
//! - [`call_control`]: requests of hold, mute, DTMF, transfers, supervision, work mode, the number helpers,
//!   conferences, the IVR actions (survey, authentication) and RedialCall, and the `ChannelFlags` values the emulator sets.
//! - [`devices`]: ListDevices, AddAgentDevice and ResetAgentState (the agent's registered device).
//! - [`records`]: requests and items of the list/report actions (call records, agent states, skill groups,
//!   privileges, number locations, the agent report).
//! - [`push`]: the message the agent-state WebSocket pushes.
//! - [`read`]: [`read::FromJson`], how the panel reads these types without serde's generic deserialisers
//!   (the wasm's size), held to serde's rules by tests.
//! - [`turn`]: GetTurnServerList / GetTurnCredentials (the TURN access points and their credentials).

pub mod action;
pub mod call_control;
pub mod context;
pub mod devices;
pub mod envelope;
pub mod keys;
pub mod push;
pub mod read;
pub mod records;
pub mod turn;

pub use action::Action;
pub use context::{CallContext, ChannelContext, UserContext, UserState};
pub use envelope::{ApiError, Envelope};

/// The product name in the SDK's request URL (`product=`).
pub const PRODUCT: &str = "CloudCallCenter";
/// The OpenAPI version in the SDK's request URL (`version=`).
pub const API_VERSION: &str = "2020-07-01";
