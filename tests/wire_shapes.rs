//! ARCHITECTURE.md's "The panel and the emulator share `ccc-wire`", checked: outside `crates/wire`, the
//! panel (`src/`) and the server (`crates/server/src`) declare no serde type of their own but the ones
//! listed here, each for a shape that is not the call center's (the host's payloads, the emulator's own
//! control API and config, the proxy's settings). A JSON shape of the OpenAPI written on one side only
//! fails here; it goes into `ccc-wire`, where both sides use it.
#![cfg(not(target_arch = "wasm32"))]

mod scan;

use std::path::Path;

use scan::Scanned;

/// Files whose serde types are all of one shape that is not CCC's: `(file, why)`.
const OWN_FILES: &[(&str, &str)] = &[
    (
        "crates/server/src/control.rs",
        "the emulator's own /emulator/v1 control API",
    ),
    (
        "crates/server/src/emulator/data.rs",
        "the emulator's config file and defaults",
    ),
    (
        "crates/server/src/upstream/config.rs",
        "upstream mode's settings file",
    ),
    (
        "crates/server/src/upstream/identity.rs",
        "the JWT's header and claims",
    ),
];

/// Single serde types elsewhere: `(file, type, why)`.
const OWN_TYPES: &[(&str, &str, &str)] = &[
    (
        "src/errors.rs",
        "ErrorCode",
        "onErrorNotify's code, a hook payload of the SDK contract",
    ),
    (
        "src/workbench/access_points/choice.rs",
        "TurnTest",
        "testTurnServers' result, a host payload",
    ),
    (
        "crates/server/src/api.rs",
        "Success",
        "serializes ccc-wire's Envelope flattened with the answer's keys",
    ),
    (
        "crates/server/src/actions.rs",
        "Data",
        "an answer's Data, serialized as the ccc-wire value it holds",
    ),
    (
        "crates/server/src/actions/lists.rs",
        "Criteria",
        "the JSON inside ListRecentCallDetailRecords' Criteria string, which the panel never sends",
    ),
];

#[test]
fn no_json_shape_is_declared_outside_ccc_wire() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut unlisted = Vec::new();
    let mut seen = Vec::new();
    for dir in ["src", "crates/server/src"] {
        for (rel, src) in scan::rust_files(&root.join(dir)) {
            let path = format!("{dir}/{rel}");
            for (line, ty) in serde_types(&Scanned::new(&src)) {
                if let Some(file) = OWN_FILES.iter().find(|(f, _)| *f == path) {
                    seen.push((file.0, String::new()));
                } else if OWN_TYPES.iter().any(|(f, t, _)| *f == path && *t == ty) {
                    seen.push((OWN_TYPES.iter().find(|e| e.1 == ty).unwrap().0, ty));
                } else {
                    unlisted.push(format!(
                        "{path}:{line}: serde type `{ty}` — a JSON shape the panel or the emulator \
                         exchanges belongs in ccc-wire (or list it in tests/wire_shapes.rs, with why)"
                    ));
                }
            }
        }
    }
    for (file, _) in OWN_FILES {
        assert!(
            seen.iter().any(|(f, t)| f == file && t.is_empty()),
            "{file} declares no serde type any more; remove it from OWN_FILES"
        );
    }
    for (file, ty, _) in OWN_TYPES {
        assert!(
            seen.iter().any(|(f, t)| f == file && t == ty),
            "{file}: no serde type {ty} any more; remove it from OWN_TYPES"
        );
    }
    assert!(
        unlisted.is_empty(),
        "ARCHITECTURE.md, \"The panel and the emulator share ccc-wire\":\n  {}",
        unlisted.join("\n  ")
    );
}

/// How the panel may turn JSON text into Rust: only into a `serde_json::Value`.
const PANEL_PARSES: &[&str] = &["from_str::<Value>", "from_str::<serde_json::Value>"];

/// ARCHITECTURE.md's "The panel reads answers with `FromJson`": the wasm reads no wire type through serde's
/// derived `Deserialize` (each costs the download a map and a sequence visitor; `ccc_wire::read`). JSON
/// text is parsed into a `Value` and read from there by `FromJson`, so `src/` never calls `from_value`,
/// `from_slice` or `from_reader`, never names `DeserializeOwned`, and writes every `from_str` with its
/// `::<Value>` turbofish.
#[test]
fn the_panel_reads_answers_with_from_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (rel, src) in scan::rust_files(&root.join("src")) {
        let s = Scanned::new(&src);
        for (at, id) in s.idents() {
            let rest: String = s.code[at..(at + 40).min(s.code.len())].iter().collect();
            let before: String = s.code[at.saturating_sub(12)..at].iter().collect();
            let bad = match id.as_str() {
                "from_value" | "from_slice" | "from_reader" | "DeserializeOwned" => true,
                // `JsValue::from_str(…)` and other types' own `from_str` are not serde's.
                "from_str" => {
                    before.ends_with("serde_json::")
                        && !PANEL_PARSES.iter().any(|p| rest.starts_with(p))
                }
                _ => false,
            };
            if bad {
                found.push(format!("src/{rel}:{}: `{}…`", s.line(at), rest.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "ARCHITECTURE.md, \"The panel reads answers with FromJson\": parse into a Value, then read it \
         with ccc_wire::read::FromJson:\n  {}",
        found.join("\n  ")
    );
}

/// Every type deriving `Serialize` or `Deserialize` (or implementing them by hand): `(line, name)`.
fn serde_types(s: &Scanned) -> Vec<(usize, String)> {
    let idents = s.idents();
    let mut out = Vec::new();
    for (k, (at, id)) in idents.iter().enumerate() {
        let serde = id == "Serialize" || id == "Deserialize";
        if !serde {
            continue;
        }
        // `#[derive(…, Serialize, …)]` → the next `struct`/`enum` name; `impl Serialize for T` → T.
        let before: String = s.code[at.saturating_sub(300)..*at].iter().collect();
        let derive = before
            .rfind("derive(")
            .is_some_and(|d| !before[d..].contains(')'));
        // `impl Serialize for T`, `impl<'de> Deserialize<'de> for T`: the trait's name, then `for`.
        let end = at + id.chars().count();
        let implemented = idents.get(k + 1).is_some_and(|(_, i)| i == "for")
            || idents.get(k + 2).is_some_and(|(_, i)| i == "for");
        let implemented = implemented && {
            let upto = idents[k + 1..]
                .iter()
                .find(|(_, i)| i == "for")
                .map_or(end, |(f, _)| *f);
            let between: String = s.code[end..upto].iter().collect();
            matches!(between.trim(), "" | "<'de>")
        };
        let name = if derive {
            idents[k + 1..]
                .windows(2)
                .find(|w| w[0].1 == "struct" || w[0].1 == "enum")
                .map(|w| w[1].1.clone())
        } else if implemented {
            idents[k + 1..]
                .windows(2)
                .find(|w| w[0].1 == "for")
                .map(|w| w[1].1.clone())
        } else {
            None
        };
        if let Some(name) = name {
            if out.last().map(|(_, n): &(usize, String)| n) != Some(&name) {
                out.push((s.line(*at), name));
            }
        }
    }
    out
}

#[test]
fn serde_types_are_found_by_derive_and_by_impl() {
    let src = r#"
// #[derive(Serialize)] struct InAComment;
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Both { a: u8 }
#[derive(Debug)]
struct Plain;
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
enum Long { A }
impl Serialize for ByHand { }
impl<'de> Deserialize<'de> for Generic { }
fn f(v: impl serde::Serialize) { for x in y {} }
"#;
    let names: Vec<String> = serde_types(&Scanned::new(src))
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(names, ["Both", "Long", "ByHand", "Generic"]);
}
