//! The state gate equals `stateGateRecommended` of `spec/contract.json` (vendored from the shared contract) for every method × status,
//! and [`Method::ALL`] is exactly the contract's method list, spelt as it spells it.

use agent_state::{Method, Status};
use serde_json::Value;

fn contract() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/contract.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("contract.json parses")
}

#[test]
fn gate_matches_contract_for_every_method_and_status() {
    let contract = contract();
    let gate = contract["stateGateRecommended"]
        .as_object()
        .expect("stateGateRecommended");
    assert!(gate.len() >= 50, "all methods listed");
    let mut checked = 0;
    for (name, allowed) in gate {
        let method = Method::from_name(name)
            .unwrap_or_else(|| panic!("{name}: in the contract's gate, not in Method::ALL"));
        for status in Status::ALL {
            let expected = match allowed {
                Value::Null => None,
                Value::Array(codes) => Some(
                    codes
                        .iter()
                        .any(|c| c.as_i64() == Some(status.code() as i64)),
                ),
                other => panic!("{name}: unexpected {other}"),
            };
            assert_eq!(
                status.allows(method),
                expected,
                "{name} in {}",
                status.code()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, gate.len() * Status::ALL.len());
    assert_eq!(gate.len(), Method::ALL.len(), "every Method is in the gate");
}

#[test]
fn methods_are_the_contracts_exactly() {
    let contract = contract();
    let listed: Vec<&str> = contract["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .map(|m| m.as_str().expect("a method name"))
        .collect();
    let ours: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(
        ours, listed,
        "Method::ALL is the contract's list, in its order"
    );
    for name in ["umMuteAgent", "isAvailBroswer", "transferStatisfic"] {
        assert!(
            Method::from_name(name).is_some(),
            "{name}: the contract's spelling"
        );
    }
}

#[test]
fn status_table_codes_and_labels_match() {
    let contract = contract();
    let rows = contract["statuses"].as_array().expect("statuses");
    assert_eq!(rows.len(), Status::ALL.len());
    for row in rows {
        let code = row["code"].as_i64().unwrap() as i32;
        let status = Status::from_code(code).unwrap_or_else(|| panic!("code {code}"));
        assert_eq!(
            status.label(),
            row["name_zh"].as_str().unwrap(),
            "label of {code}"
        );
    }
}
