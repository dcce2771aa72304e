//! The agent-state push channel (the WebSocket at `GetLoginDetails.AgentServerUrl`).
//!
//! CCC does not publish its push format; this project's emulator pushes the same snapshot PollUserStatus
//! returns, tagged, so the client folds both channels with one code path.

use serde::{Deserialize, Serialize};

use crate::action::StatusData;

/// A message on the agent-state WebSocket, server → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Type")]
pub enum PushMessage {
    /// The agent's state changed; same body as PollUserStatus's `Data`.
    UserStatus(Box<StatusData>),
    /// Another device took over this agent; the panel should stop.
    Kicked {
        /// The device now registered.
        #[serde(rename = "DeviceId")]
        device_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn push_is_a_tagged_poll_snapshot() {
        let v = json!({"Type": "UserStatus", "UserContext": {"UserId": "a@x", "UserState": "TALKING"}, "ContextId": 3});
        let m: PushMessage = serde_json::from_value(v).unwrap();
        let PushMessage::UserStatus(d) = &m else {
            panic!("wrong variant")
        };
        assert_eq!(d.context_id, 3);
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["Type"], "UserStatus");
        assert_eq!(back["UserContext"]["UserState"], "TALKING");
    }

    #[test]
    fn kicked_names_the_new_device() {
        let m = PushMessage::Kicked {
            device_id: "dev-2".into(),
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v, json!({"Type": "Kicked", "DeviceId": "dev-2"}));
        assert_eq!(serde_json::from_value::<PushMessage>(v).unwrap(), m);
    }
}
