//! The workbench's agent state: a pure reducer from facts to the SDK's status code and the effects it implies.
//!
//! Facts come from three channels — PollUserStatus answers, WebSocket pushes, and the answers of the agent's own
//! commands (SignInGroup, MakeCall, …) — plus local events (register started, timers fired). [`AgentState::apply`]
//! folds one [`Event`] into the state and returns the [`Effect`]s the shell must carry out: hooks to call on the
//! host page, timers to arm, an API to call. Nothing here does I/O, reads a clock or knows about the browser.
//!
//! # Layout
//! - [`status`]: the status codes of the contract's status table (§7) and the state gate per method.
//! - [`method`]: the contract's public method names as a type ([`Method`]), misspellings included.
//! - [`derive`]: which status a backend snapshot (UserContext + CallContext) means for this agent.
//! - [`event`]: the input events, output effects and hook payloads.
//! - [`reduce`]: [`AgentState`] and its transition rules (ordering, staleness, after-call work, hang-up types).
//! - [`rules`]: the configuration that changes transitions (`afterCallRule`, `autoAnswerCall`, …).

pub mod derive;
pub mod event;
pub mod method;
pub mod reduce;
pub mod rules;
pub mod status;

pub use event::{CallDetail, Effect, Event, HangUpType, Hook, Source};
pub use method::Method;
pub use reduce::AgentState;
pub use rules::{AfterCall, Rules};
pub use status::Status;
