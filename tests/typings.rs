//! `package/WorkbenchSdk.d.ts` covers the contract, checked rather than claimed: it is read beside
//! `spec/contract.json` (the tables the code's own tests check it against) and fails when a method, a
//! documented parameter, a hook or a field of its payload, a config option, a status code, an error code or a
//! value of the contract's enumerations is missing, or when the declarations name one the contract does not.
//! `createSipPhone` is checked against `src/sdk/sip_phone.rs` (its methods, options and events), and every
//! config key `src/config.rs` reads must be declared. That the declarations compile and mean what they say
//! (`tsc --strict` on a host file) is `crates/e2e/tests/package.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod dts;

use std::collections::BTreeSet;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn contract() -> Value {
    serde_json::from_str(&read("spec/contract.json")).expect("contract.json parses")
}

fn declarations() -> String {
    dts::strip_comments(&read("package/WorkbenchSdk.d.ts"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| match s {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn members(src: &str, interface: &str) -> Vec<dts::Member> {
    let (_, body) = dts::interface(src, interface)
        .unwrap_or_else(|| panic!("WorkbenchSdk.d.ts has no `export interface {interface}`"));
    dts::members(body)
}

fn names(members: &[dts::Member]) -> BTreeSet<String> {
    members.iter().map(|m| m.name.clone()).collect()
}

/// Asserts two name sets are equal, naming what each side lacks.
fn same(what: &str, contract: &BTreeSet<String>, declared: &BTreeSet<String>) {
    let missing: Vec<_> = contract.difference(declared).collect();
    let extra: Vec<_> = declared.difference(contract).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing from WorkbenchSdk.d.ts {missing:?}; declared but not in the contract {extra:?}"
    );
}

#[test]
fn every_method_of_the_contract_is_declared_with_its_parameters() {
    let c = contract();
    let src = declarations();
    let declared = members(&src, "WorkbenchSdk");
    same(
        "methods",
        &strings(&c["methods"]).into_iter().collect(),
        &names(&declared),
    );

    for method in strings(&c["methods"]) {
        let overloads: Vec<Vec<dts::Param>> = declared
            .iter()
            .filter(|m| m.name == method)
            .map(|m| {
                let params = m
                    .params
                    .as_deref()
                    .unwrap_or_else(|| panic!("{method} is not a method"));
                dts::params(params)
            })
            .collect();
        let detail = &c["methodDetails"][&method];
        for p in detail["params"].as_array().expect("params") {
            let name = p["name"].as_str().unwrap();
            let found: Vec<&dts::Param> = overloads
                .iter()
                .flatten()
                .filter(|d| d.name == name)
                .collect();
            assert!(
                !found.is_empty(),
                "{method}: parameter `{name}` of the contract is not declared"
            );
            if p["optional"] == Value::Bool(false) {
                assert!(
                    found.iter().all(|d| !d.optional),
                    "{method}: `{name}` is required in the contract but optional in the declaration"
                );
            }
        }
        let returns = detail["returns"].as_str().unwrap();
        let rest = &declared.iter().find(|m| m.name == method).unwrap().rest;
        let declared_return = rest.rsplit_once("):").map(|(_, r)| r.trim()).unwrap_or("");
        match returns {
            "void" => assert_eq!(declared_return, "void", "{method} returns void"),
            "string" => assert_eq!(declared_return, "string", "{method} returns a string"),
            _ => {
                // `{code: number, lastCode: number}`: the declared interface must carry those fields.
                let fields = members(&src, declared_return);
                for f in ["code", "lastCode"] {
                    assert!(
                        fields.iter().any(|m| m.name == f),
                        "{method}'s {declared_return} lacks {f}"
                    );
                }
            }
        }
    }
}

/// The fields of a payload type: an interface (with what it extends), or each member of a union of them.
fn payload_fields(src: &str, ty: &str) -> Vec<BTreeSet<String>> {
    if let Some(rhs) = dts::type_alias(src, ty) {
        return rhs
            .split('|')
            .flat_map(|t| payload_fields(src, t.trim()))
            .collect();
    }
    let (header, body) = dts::interface(src, ty)
        .unwrap_or_else(|| panic!("payload type {ty} is not an interface or a union"));
    let mut fields = names(&dts::members(body));
    if let Some((_, parents)) = header.split_once(" extends ") {
        for parent in parents.split(',') {
            for set in payload_fields(src, parent.trim()) {
                fields.extend(set);
            }
        }
    }
    vec![fields]
}

#[test]
fn every_hook_is_declared_with_its_payload() {
    let c = contract();
    let src = declarations();
    let hooks = members(&src, "WorkbenchSdkHooks");
    same(
        "hooks",
        &strings(&c["hooks"]).into_iter().collect(),
        &names(&hooks),
    );
    for hook in &hooks {
        let name = &hook.name;
        assert!(hook.optional, "hook {name} must be optional");
        let params = dts::params(
            hook.params
                .as_deref()
                .unwrap_or_else(|| panic!("{name} is not a method")),
        );
        let payload = &c["hookPayloads"][name];
        let args = strings(&payload["args"]);
        assert_eq!(params.len(), args.len(), "{name} takes {args:?}");
        let Some(fields) = payload.get("fields") else {
            continue;
        };
        let ty = &params[0].ty;
        for set in payload_fields(&src, ty) {
            for field in strings(fields) {
                assert!(
                    set.contains(&field),
                    "{name}'s payload {ty} lacks `{field}` (has {set:?})"
                );
            }
        }
    }
    // The enumerated payloads: the declared parameter's type is the union of the contract's values.
    let ty_of = |hook: &str| {
        let m = hooks.iter().find(|m| m.name == hook).unwrap();
        dts::params(m.params.as_deref().unwrap())[0].ty.clone()
    };
    assert_eq!(ty_of("onHangUp"), "HangUpType");
    assert_eq!(ty_of("onWorkModeChange"), "WorkMode");
    assert_eq!(ty_of("onDeviceTypeChange"), "DeviceType");
    assert_eq!(ty_of("onSelectOutboundNumber"), "string");
}

#[test]
fn every_config_option_is_declared_and_required_ones_are_required() {
    let c = contract();
    let src = declarations();
    let (header, body) = dts::interface(&src, "WorkbenchSdkConfig").expect("WorkbenchSdkConfig");
    assert!(
        header.contains("extends WorkbenchSdkHooks"),
        "the config carries the hooks"
    );
    let options = dts::members(body);
    let hooks = names(&members(&src, "WorkbenchSdkHooks"));
    for name in strings(&c["configHookOptions"]) {
        assert!(hooks.contains(&name), "hook option {name}");
    }
    for name in strings(&c["configRequired"]) {
        let m = options.iter().find(|m| m.name == name);
        assert!(
            m.is_some_and(|m| !m.optional),
            "required option {name} must be declared without `?`"
        );
    }
    for name in strings(&c["configOptional"]) {
        let m = options.iter().find(|m| m.name == name);
        assert!(
            m.is_some_and(|m| m.optional),
            "optional option {name} must be declared with `?`"
        );
    }
    // Beyond the contract: this SDK's own options (what `Config::from_json` reads that the contract lacks),
    // and the removed/undocumented ones hosts may still pass.
    let mut known: BTreeSet<String> = strings(&c["configRequired"]).into_iter().collect();
    known.extend(strings(&c["configOptional"]));
    known.extend(strings(&c["configRemovedSince1x"]));
    known.extend(strings(&c["configReferencedButUndocumented"]));
    known.extend(options_the_code_reads());
    same("config options", &known, &names(&options));
}

/// The config keys `Config::from_json` (src/config.rs) reads.
fn options_the_code_reads() -> BTreeSet<String> {
    let config = read("src/config.rs");
    let from_json = &config[config.find("pub fn from_json").expect("Config::from_json")..];
    let from_json = &from_json[..from_json.find("\n    }\n").expect("its end")];
    let mut keys = BTreeSet::new();
    for pattern in ["_of(\"", ".get(\""] {
        for (at, _) in from_json.match_indices(pattern) {
            let key = &from_json[at + pattern.len()..];
            keys.insert(key[..key.find('"').unwrap()].to_owned());
        }
    }
    assert!(keys.len() > 30, "read only {keys:?} from Config::from_json");
    keys
}

#[test]
fn every_option_the_code_reads_is_declared() {
    let src = declarations();
    let mut declared = names(&members(&src, "WorkbenchSdkConfig"));
    declared.extend(names(&members(&src, "WorkbenchSdkHooks")));
    let undeclared: Vec<_> = options_the_code_reads()
        .into_iter()
        .filter(|k| !declared.contains(k))
        .collect();
    assert!(
        undeclared.is_empty(),
        "src/config.rs reads options WorkbenchSdk.d.ts lacks: {undeclared:?}"
    );
}

fn literal_set(src: &str, alias: &str) -> BTreeSet<String> {
    let set: BTreeSet<String> = dts::union_literals(src, alias).into_iter().collect();
    assert!(
        !set.is_empty(),
        "WorkbenchSdk.d.ts has no literals in `export type {alias}`"
    );
    set
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn status_codes_error_codes_and_enumerations_equal_the_contract() {
    let c = contract();
    let src = declarations();
    same(
        "status codes",
        &strings(&c["statusCodes"]).into_iter().collect(),
        &literal_set(&src, "StatusCode"),
    );
    let (numeric, named): (BTreeSet<String>, BTreeSet<String>) = keys(&c["errors"])
        .into_iter()
        .partition(|k| k.parse::<u32>().is_ok());
    same(
        "numeric error codes",
        &numeric,
        &literal_set(&src, "SdkErrorCode"),
    );
    same(
        "event error codes",
        &named,
        &literal_set(&src, "EventErrorCode"),
    );
    for (alias, values) in [
        ("HangUpType", keys(&c["hangUpTypes"])),
        ("WorkMode", strings(&c["workModes"]).into_iter().collect()),
        ("DeviceType", keys(&c["deviceTypes"])),
        (
            "MoreAction",
            strings(&c["moreActionListValues"]).into_iter().collect(),
        ),
        (
            "SideNavEntry",
            strings(&c["sideNavListValues"]).into_iter().collect(),
        ),
        ("UserState", keys(&c["userStates"])),
    ] {
        same(alias, &values, &literal_set(&src, alias));
    }
    // The error payload: every documented field, on every member of the union.
    for set in payload_fields(&src, "ErrorNotify") {
        for field in strings(&c["errorPayloadFields"]) {
            assert!(set.contains(&field), "an ErrorNotify member lacks {field}");
        }
    }
}

/// The `js_name`s (or Rust names) of the `pub fn`s of `impl SipPhone`, without the constructor.
fn sip_phone_methods(code: &str) -> BTreeSet<String> {
    let imp = &code[code.find("impl SipPhone {").expect("impl SipPhone")..];
    let imp = &imp[..imp.find("\n}\n").expect("its end")];
    let mut out = BTreeSet::new();
    let mut js_name: Option<String> = None;
    for line in imp.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[wasm_bindgen(js_name = ") {
            js_name = Some(rest.trim_end_matches(")]").to_owned());
        } else if line.starts_with("#[wasm_bindgen(constructor)]") {
            js_name = Some("new".into());
        } else if let Some(rest) = line
            .strip_prefix("pub fn ")
            .or_else(|| line.strip_prefix("pub async fn "))
        {
            let rust = rest[..rest.find('(').unwrap()].to_owned();
            let name = js_name.take().unwrap_or(rust);
            if name != "new" {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn create_sip_phone_matches_the_code() {
    let src = declarations();
    let constructor = names(&members(&src, "WorkbenchSdkConstructor"));
    assert!(
        constructor.contains("createSipPhone"),
        "WorkbenchSdk.createSipPhone is declared"
    );
    assert!(read("js/workbench-sdk.js").contains("WorkbenchSdk.createSipPhone = function"));

    let code = read("src/sdk/sip_phone.rs");
    let mut methods = sip_phone_methods(&code);
    methods.insert("free".into()); // wasm-bindgen's own, on every exported class
    same(
        "SipPhone methods",
        &methods,
        &names(&members(&src, "SipPhone")),
    );

    // Events: the names `event_js` gives `onEvent`, each arm's `=> ("name", detail)` (or `=> { … ("name", …) }`).
    let events_fn = &code[code.find("fn event_js").expect("event_js")..];
    let events: BTreeSet<String> = events_fn
        .match_indices("=>")
        .filter_map(|(at, _)| {
            let rest = events_fn[at + 2..].trim_start();
            let rest = rest.strip_prefix('{').unwrap_or(rest).trim_start();
            let rest = rest.strip_prefix('(')?.trim_start().strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_owned())
        })
        .collect();
    assert!(events.len() >= 8, "read events {events:?}");
    same(
        "SipPhone events",
        &events,
        &names(&members(&src, "SipPhoneEvents")),
    );

    // Options: every key the constructor reads.
    let new_fn = &code[code.find("pub fn new(options").expect("SipPhone::new")..];
    let new_fn = &new_fn[..new_fn.find("\n    }\n").unwrap()];
    let mut options = BTreeSet::new();
    for pattern in ["text(&options, \"", "&options, &\""] {
        for (at, _) in new_fn.match_indices(pattern) {
            let key = &new_fn[at + pattern.len()..];
            options.insert(key[..key.find('"').unwrap()].to_owned());
        }
    }
    assert!(options.len() >= 8, "read options {options:?}");
    same(
        "createSipPhone options",
        &options,
        &names(&members(&src, "SipPhoneOptions")),
    );
}
