//! The workbench panel's lifecycle as a pure state machine.
//!
//! The agent-state reducer (`agent-state`) decides the status code from what the call center says. This
//! crate decides everything around it that keeps the agent reachable through an ordinary day: which
//! channels run (the push WebSocket, the PollUserStatus loop, the soft phone), how often to poll, when to
//! reconnect and with which backoff, when the login details are stale and must be fetched again (after a
//! server restart the push token and the SIP password change), what to do when the agent is kicked by
//! another device, when the tab comes back from sleep or the network comes back, when a headset is pulled,
//! and what a reload of the page restores.
//!
//! [`PanelModel::apply`] takes a [`PanelEvent`] and the time, changes the model and answers the
//! [`PanelEffect`]s the I/O shell (`src/workbench/sync.rs` in the panel) must carry out. It opens no socket
//! and arms no timer itself, so every row of "what goes wrong in an agent's day" is a table-driven native
//! test (`tests/agent_day.rs`).

mod backoff;
mod effect;
mod event;
mod model;
mod restore;

pub use backoff::Backoff;
pub use effect::{Notice, PanelEffect};
pub use event::{ClosedBy, PanelEvent};
pub use model::{Channel, PanelModel, Timing};
pub use restore::{plan_sign_in, SignInPlan};

/// `onErrorNotify` code for a lost push socket (`当前WebScoket连接缓慢,请等待或刷新后重新上线`).
pub const CODE_PUSH_LOST: u32 = 5005;
/// `onErrorNotify` code for a soft phone that lost its registration (`软电话初始化异常`).
pub const CODE_PHONE_LOST: u32 = 7002;
/// `onErrorNotify` code for the network going away (`网络连接失败`).
pub const CODE_NETWORK: u32 = 9007;
/// `onErrorNotify` code for an audio device that disappeared (`请检查声卡权限`, the device-error screen).
pub const CODE_DEVICE_LOST: u32 = 8002;
/// `onErrorNotify` code when another device took the agent over (`现在有新设备上线,请检查`).
pub const CODE_KICKED: u32 = 7007;
/// Close code the emulator (and this model) read as "unknown token": the login details are stale.
pub const CLOSE_UNKNOWN_TOKEN: u16 = 4401;
