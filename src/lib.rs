//! CCC Workbench: a drop-in, Rust/Yew replacement for Alibaba Cloud Call Center's WorkbenchSdk 2.7.0 panel.
//!
//! The host page loads `workbenchSdk.min.js` (a small JS loader, `js/workbench-sdk.js`), which defines
//! `window.WorkbenchSdk` synchronously and instantiates [`sdk::WorkbenchCore`] from this crate once the wasm is
//! loaded. See `ARCHITECTURE.md` for the data flow.
//!
//! # Layout
//! - [`sdk`]: the JS boundary: config object, hook functions (and `apiAxiosFunc`), public methods, mounting.
//! - [`config`]: the typed config and its defaults (pure).
//! - [`sip_codes`]: SIP status tips for 5001 (pure).
//! - [`errors`]: `onErrorNotify` codes and tips (pure).
//! - [`i18n`]: the panel's texts, one catalogue per `language` (zh-CN, en-US; pure).
//! - [`tabs`]: multi-tab calling through localStorage: keys and what a value asks for (pure).
//! - [`focus`]: where the keyboard focus goes on a ring (pure).
//! - [`shortcuts`]: the keyboard shortcuts for answer, hang up, mute and hold (pure).
//! - [`device_test`]: 设备检测's microphone level meter and speaker test.
//! - [`media_devices`]: the browser's WebRTC support, microphone permission and audio devices.
//! - [`softphone`]: the SIP soft phone: the `ccc_sip` user agent on a WebSocket, WebRTC media, ringtone.
//! - [`assets`]: where the SDK's own files (the ringtone) are served from.
//! - [`deadline`]: waiting for a promise, but not forever.
//! - [`api`]: the SDK → backend request contract over `fetch` (or the host's `apiAxiosFunc`, called by `sdk`).
//! - [`workbench`]: the controller: reducer, effects, intents, poll/push sync.
//! - [`app`], [`components`], [`views`], [`hooks`]: the Yew panel.

pub mod api;
pub mod app;
pub mod assets;
pub mod components;
pub mod config;
pub mod deadline;
pub mod device_test;
pub mod errors;
pub mod focus;
pub mod hooks;
pub mod i18n;
pub mod media_devices;
pub mod sdk;
pub mod shortcuts;
pub mod sip_codes;
pub mod softphone;
pub mod tabs;
pub mod views;
pub mod workbench;
