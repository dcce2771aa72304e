//! The agent-state push channel (the WebSocket at `GetLoginDetails.AgentServerUrl`).
//!
//! CCC does not publish its push format; this project's emulator pushes the same snapshot PollUserStatus
//! returns, tagged, so the client folds both channels with one code path.

use serde::{Deserialize, Serialize};

use crate::action::StatusData;
use crate::read::FromJson;

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

impl PushMessage {
    /// Reads a message by its `Type`, deserialising only the variant's body. Same result as the derived
    /// `Deserialize`, without serde's buffering of internally tagged enums (which costs the browser's wasm
    /// ~10 KB); unknown types and malformed bodies are `None`.
    pub fn from_json(mut value: serde_json::Value) -> Option<PushMessage> {
        let kind = value.as_object_mut()?.remove("Type")?;
        match kind.as_str()? {
            "UserStatus" => StatusData::from_json(&value)
                .ok()
                .map(|d| PushMessage::UserStatus(Box::new(d))),
            "Kicked" => {
                let device_id = value.get("DeviceId")?.as_str()?.to_owned();
                Some(PushMessage::Kicked { device_id })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn from_json_agrees_with_the_derived_deserialize() {
        let messages = [
            json!({"Type": "UserStatus", "UserContext": {"UserId": "a@x", "UserState": "READY"}, "ContextId": 7}),
            json!({"Type": "Kicked", "DeviceId": "desk-1"}),
        ];
        for m in messages {
            let derived: PushMessage = serde_json::from_value(m.clone()).unwrap();
            assert_eq!(PushMessage::from_json(m), Some(derived));
        }
        assert_eq!(PushMessage::from_json(json!({"Type": "Mystery"})), None);
        assert_eq!(PushMessage::from_json(json!({"Type": "Kicked"})), None);
        assert_eq!(PushMessage::from_json(json!(["UserStatus"])), None);
    }

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
