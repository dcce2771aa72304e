//! Rust sources read as code: comments blanked out, string and char literals set apart. Shared by the
//! tests that check the source tree's rules (`edges.rs`, `i18n.rs`, `imports.rs`, `one_way_in.rs`,
//! `wire_shapes.rs`); each uses part of it.
#![allow(dead_code)]

use std::path::Path;

/// Every `.rs` file under `root`, as `(path relative to root with '/', text)`, sorted.
pub(crate) fn rust_files(root: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under the root");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((rel, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// The number of `#` of a raw string starting at `i` (its `r`), if one does.
fn raw_string_at(chars: &[char], i: usize) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let starts_token =
        i == 0 || !ident(chars[i - 1]) || (chars[i - 1] == 'b' && (i < 2 || !ident(chars[i - 2])));
    if chars[i] != 'r' || !starts_token {
        return None;
    }
    let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
    (chars.get(i + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// A Rust source with its comments blanked out and its string literals set apart: `code` is the text
/// with every comment, string and char literal replaced by spaces (newlines kept, so an offset still
/// gives its line); `strings` are the literals' texts at their offsets.
pub(crate) struct Scanned {
    pub(crate) code: Vec<char>,
    pub(crate) strings: Vec<(usize, String)>,
}

impl Scanned {
    pub(crate) fn new(src: &str) -> Scanned {
        let chars: Vec<char> = src.chars().collect();
        let mut code = chars.clone();
        let mut strings = Vec::new();
        let blank = |code: &mut Vec<char>, from: usize, to: usize| {
            for c in &mut code[from..to.min(chars.len())] {
                if *c != '\n' {
                    *c = ' ';
                }
            }
        };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == '/' && next == Some('/') {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                blank(&mut code, i, end);
                i = end;
            } else if c == '/' && next == Some('*') {
                let (mut depth, mut j) = (1, i + 2);
                while j < chars.len() && depth > 0 {
                    if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                        depth += 1;
                        j += 2;
                    } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            } else if let Some(hashes) = raw_string_at(&chars, i) {
                // `r"…"`, `r#"…"#` (or `br…`): no escapes; it ends at a quote and as many `#`.
                let start = i + 2 + hashes;
                let closes = |j: usize| {
                    chars[j] == '"'
                        && j + hashes < chars.len()
                        && chars[j + 1..=j + hashes].iter().all(|&c| c == '#')
                };
                let end = (start..chars.len())
                    .find(|&j| closes(j))
                    .unwrap_or(chars.len());
                strings.push((start, chars[start..end].iter().collect()));
                let close = (end + 1 + hashes).min(chars.len());
                blank(&mut code, i + 1, close);
                i = close;
            } else if c == '"' {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                let end = j.min(chars.len());
                strings.push((i + 1, chars[i + 1..end].iter().collect()));
                blank(&mut code, i, end + 1);
                i = end + 1;
            } else if c == '\'' {
                // A char literal ('x', '\n', '\u{1F600}', '\''), or a lifetime / label ('a), left as code.
                if next == Some('\\') {
                    let end = chars[i + 2..]
                        .iter()
                        .position(|&c| c == '\'')
                        .map_or(chars.len(), |p| i + 3 + p);
                    let end = if chars.get(i + 2) == Some(&'\'') {
                        i + 4 // '\''
                    } else {
                        end
                    };
                    blank(&mut code, i, end);
                    i = end;
                } else if chars.get(i + 2) == Some(&'\'') {
                    blank(&mut code, i, i + 3);
                    i += 3;
                } else {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        Scanned { code, strings }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        1 + self.code[..offset].iter().filter(|&&c| c == '\n').count()
    }

    /// The identifiers of the code, with their offsets.
    pub(crate) fn idents(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.code.len() {
            let c = self.code[i];
            if c.is_alphabetic() || c == '_' {
                let start = i;
                while i < self.code.len() && (self.code[i].is_alphanumeric() || self.code[i] == '_')
                {
                    i += 1;
                }
                out.push((start, self.code[start..i].iter().collect()));
            } else if c.is_ascii_digit() {
                while i < self.code.len() && (self.code[i].is_alphanumeric() || self.code[i] == '_')
                {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        out
    }

    /// The next character that is not whitespace after `from`.
    pub(crate) fn after(&self, from: usize) -> Option<char> {
        self.code[from..]
            .iter()
            .copied()
            .find(|c| !c.is_whitespace())
    }
}
