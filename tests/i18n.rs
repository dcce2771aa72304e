//! "Every text the panel shows comes from a catalogue" (issue 13, `language`), checked rather than claimed:
//! every source file under `src/` is read as code (comments left out), and Chinese in any string or char
//! literal — or in an identifier — fails the test unless it is in the zh-CN catalogue (`i18n/zh_cn.rs`) or
//! is contract data listed below with its reason. So a view that writes `{ "挂断" }` instead of
//! `{ t.hang_up }` cannot reach the English panel.
//!
//! Each allowed entry must still be used (a stale entry fails too), so the list follows the code.
#![cfg(not(target_arch = "wasm32"))]

mod scan;

use std::path::Path;

use scan::Scanned;

/// Files whose Chinese is not shown by the panel, or is the catalogue itself: `(file under src/, why)`.
const FILES: &[(&str, &str)] = &[
    ("i18n/zh_cn.rs", "the zh-CN catalogue: the panel's Chinese texts"),
    (
        "errors.rs",
        "the contract's errorMsgTip table (§8.3): onErrorNotify payloads stay Chinese in every language",
    ),
    (
        "sip_codes.rs",
        "the contract's SIP tips (§8.5): 5001's errorMsgTip, sent to onErrorNotify, never shown",
    ),
];

/// Single literals of contract data elsewhere: `(file, text, why)`.
const LITERALS: &[(&str, &str, &str)] = &[
    ("config.rs", "呼入", NAV_KEY),
    ("config.rs", "呼出", NAV_KEY),
    ("config.rs", "内部通话", NAV_KEY),
    ("config.rs", "通话记录", NAV_KEY),
    ("config.rs", "转接", NAV_KEY),
    ("config.rs", "会议", NAV_KEY),
    ("config.rs", "监听", NAV_KEY),
    ("config.rs", "我的工作", NAV_KEY),
    ("config.rs", "设备检测", NAV_KEY),
    ("config.rs", "设置", NAV_KEY),
];

const NAV_KEY: &str =
    "a sideNavList value: the key hosts pass and data-nav carries; shown through i18n";

/// Whether `c` is Chinese: the same test the panel's catalogue tests use (`workbench::i18n::is_cjk`).
fn cjk(text: &str) -> bool {
    text.chars().any(workbench::i18n::is_cjk)
}

/// `(line, text)` of every Chinese literal or identifier in `src`.
fn chinese_in(src: &str) -> Vec<(usize, String)> {
    let s = Scanned::new(src);
    let mut out: Vec<(usize, String)> = s
        .strings
        .iter()
        .filter(|(_, text)| cjk(text))
        .map(|(at, text)| (s.line(*at), text.clone()))
        .collect();
    out.extend(
        s.idents()
            .into_iter()
            .filter(|(_, id)| cjk(id))
            .map(|(at, id)| (s.line(at), id)),
    );
    // Char literals are blanked out of the code and kept nowhere else: `'、'`.
    let chars: Vec<char> = src.chars().collect();
    for i in 1..chars.len().saturating_sub(1) {
        if workbench::i18n::is_cjk(chars[i]) && chars[i - 1] == '\'' && chars[i + 1] == '\'' {
            out.push((s.line(i), chars[i].to_string()));
        }
    }
    out.sort();
    out
}

#[test]
fn no_chinese_outside_the_catalogue_and_the_contract_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut used_files = vec![false; FILES.len()];
    let mut used_literals = vec![false; LITERALS.len()];
    let mut leaks = Vec::new();
    for (file, text) in scan::rust_files(&root) {
        let found = chinese_in(&text);
        if let Some(i) = FILES.iter().position(|(f, _)| *f == file) {
            used_files[i] |= !found.is_empty();
            continue;
        }
        for (line, literal) in found {
            match LITERALS
                .iter()
                .position(|(f, t, _)| *f == file && *t == literal)
            {
                Some(i) => used_literals[i] = true,
                None => leaks.push(format!("src/{file}:{line}: {literal:?}")),
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "Chinese outside src/i18n/zh_cn.rs — put the text in both catalogues (src/i18n) and show it \
         through the view's `text()`, or list it here as contract data with its reason:\n{}",
        leaks.join("\n")
    );
    for ((file, why), used) in FILES.iter().zip(used_files) {
        assert!(
            used,
            "stale entry: src/{file} ({why}) has no Chinese any more"
        );
    }
    for ((file, text, _), used) in LITERALS.iter().zip(used_literals) {
        assert!(used, "stale entry: {text:?} is no longer in src/{file}");
    }
}

#[test]
fn the_check_sees_strings_chars_and_identifiers_but_not_comments() {
    let src = r####"
//! 设备检测 in a doc comment.
/* 一个 /* nested */ 注释 */
let ok = "ascii only"; // 注释
let s = "挂断";
let c = '、';
let r = r#"原始"#;
let 名字 = 1;
"####;
    let found: Vec<(usize, String)> = chinese_in(src);
    assert_eq!(
        found,
        [
            (5, "挂断".to_owned()),
            (6, "、".to_owned()),
            (7, "原始".to_owned()),
            (8, "名字".to_owned()),
        ]
    );
}
