//! "No import circle" (ARCHITECTURE.md), checked rather than claimed: every crate of the workspace (the
//! panel's `src/` and each `crates/*/src`) is read as a tree of modules, one per file, and every path its
//! code names — `use crate::…`, `use super::…`, `use self::…`, a `use` relative to a child module, and the
//! same paths written inline (`crate::hub::Hub`, `super::calls::leg(…)`) — becomes an edge between the
//! two sibling modules that hold its two ends (`emulator::calls` → `emulator::model`; `hub` → `sip` for
//! `crate::sip::view::CallsView` named in `hub.rs`). A child naming its parent (`super::Emulator`) is no
//! edge; a name its parent imports (`super::Call`, brought in by `use self::calls::Call`) is followed to
//! where it comes from. Inline modules (`mod tests { use super::*; … }`) count as their file's. Any
//! circle among siblings fails, with the lines that make each of its edges.
#![cfg(not(target_arch = "wasm32"))]

mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scan::Scanned;

/// A module's path inside its crate (`["emulator", "calls"]`; the crate root is `[]`).
type ModPath = Vec<String>;

/// One crate: its modules (one per file) and what each file names.
struct Crate {
    /// `src/` of the crate, as the workspace spells it (for messages).
    root: String,
    /// Every module of a file, with its file (relative to `root`) and text.
    files: BTreeMap<ModPath, (String, String)>,
}

/// An edge between two siblings, with where it comes from: `(file:line, the path as written)`.
type Edges = BTreeMap<(ModPath, ModPath), Vec<(String, String)>>;

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![workspace.join("src")];
    let mut crates_dir: Vec<_> = std::fs::read_dir(workspace.join("crates"))
        .expect("crates/")
        .map(|e| e.expect("an entry").path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    crates_dir.sort();
    roots.extend(crates_dir);
    // A binary with modules (`src/bin/NAME/main.rs` and its files) is a crate of its own.
    let mut binaries: Vec<_> = roots
        .iter()
        .filter_map(|root| std::fs::read_dir(root.join("bin")).ok())
        .flatten()
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.join("main.rs").is_file())
        .collect();
    binaries.sort();
    roots.extend(binaries);
    assert!(roots.len() >= 8, "read the crates: {roots:?}");
    let mut circles = Vec::new();
    for root in &roots {
        let name = root
            .strip_prefix(workspace)
            .expect("in the workspace")
            .to_string_lossy()
            .into_owned();
        let krate = Crate::read(name, root);
        assert!(!krate.files.is_empty(), "{}: no modules", krate.root);
        circles.extend(krate.circles());
    }
    assert!(
        circles.is_empty(),
        "import circles (ARCHITECTURE.md, \"No import circle\"): give what both sides need a home of \
         its own\n  {}",
        circles.join("\n  ")
    );
}

impl Crate {
    /// The modules under `root`: `lib.rs` (else `main.rs`) is the crate root, `a/mod.rs` and `a.rs` are
    /// `a`. Binaries beside a library (`main.rs`, `bin/*.rs`) are crates of their own with no modules; a
    /// binary with modules (`bin/NAME/main.rs`) is read as a crate of its own.
    fn read(root_name: String, root: &Path) -> Crate {
        let has_lib = root.join("lib.rs").is_file();
        let mut files = BTreeMap::new();
        for (rel, text) in scan::rust_files(root) {
            if rel.starts_with("bin/") && rel.matches('/').count() > 1 {
                continue;
            }
            let single_file_binary = rel.starts_with("bin/") || (has_lib && rel == "main.rs");
            if single_file_binary {
                assert!(
                    declared_modules(&Scanned::new(&text)).is_empty(),
                    "{root_name}/{rel}: a binary with modules of its own; teach tests/imports.rs its tree"
                );
                continue;
            }
            files.insert(module_of(&rel), (rel, text));
        }
        Crate {
            root: root_name,
            files,
        }
    }

    fn is_module(&self, path: &[String]) -> bool {
        self.files.contains_key(path)
    }

    /// Every circle among siblings, described.
    fn circles(&self) -> Vec<String> {
        let edges = self.edges();
        let mut graph: BTreeMap<&ModPath, BTreeSet<&ModPath>> = BTreeMap::new();
        for (from, to) in edges.keys() {
            graph.entry(from).or_default().insert(to);
        }
        let mut out = Vec::new();
        for component in strongly_connected(&graph) {
            let cycle = cycle_in(&graph, &component);
            let mut text = format!(
                "{}: {}",
                self.root,
                cycle
                    .iter()
                    .chain(cycle.first())
                    .map(|m| display(m))
                    .collect::<Vec<_>>()
                    .join(" → ")
            );
            let inside: BTreeSet<&ModPath> = component.iter().copied().collect();
            for ((from, to), sources) in &edges {
                if !inside.contains(from) || !inside.contains(to) {
                    continue;
                }
                for (at, path) in sources {
                    text.push_str(&format!(
                        "\n      {} → {}: {}/{at} `{path}`",
                        display(from),
                        display(to),
                        self.root
                    ));
                }
            }
            out.push(text);
        }
        out
    }

    /// The sibling edges of every path every file names.
    fn edges(&self) -> Edges {
        let imports = self.imports();
        let mut edges = Edges::new();
        for (module, (file, text)) in &self.files {
            let scanned = Scanned::new(text);
            let inline = inline_modules(&scanned);
            for (offset, segments) in paths(&scanned) {
                let here = within(module, &inline, offset);
                let Some(target) = self.resolve(&here, &segments, &imports) else {
                    continue;
                };
                // The two siblings under the deepest common ancestor; none when one holds the other.
                let common = module
                    .iter()
                    .zip(&target)
                    .take_while(|(a, b)| a == b)
                    .count();
                if common == module.len() || common == target.len() {
                    continue;
                }
                edges
                    .entry((module[..=common].to_vec(), target[..=common].to_vec()))
                    .or_default()
                    .push((
                        format!("{file}:{}", scanned.line(offset)),
                        segments.join("::"),
                    ));
            }
        }
        edges
    }

    /// What each module's `use` declarations bring in, by the name they bind: `(module, name)` → the
    /// absolute path it stands for (so `super::Call` can be followed to `calls::Call`).
    fn imports(&self) -> BTreeMap<(ModPath, String), ModPath> {
        let mut out = BTreeMap::new();
        for (module, (_, text)) in &self.files {
            let scanned = Scanned::new(text);
            let inline = inline_modules(&scanned);
            for (offset, segments) in paths(&scanned) {
                if within(module, &inline, offset) != *module {
                    continue;
                }
                let Some(bound) = segments.last().filter(|s| *s != "*" && *s != "self") else {
                    continue;
                };
                if let Some(absolute) = self.absolute(module, &segments) {
                    out.insert((module.clone(), bound.clone()), absolute);
                }
            }
        }
        out
    }

    /// `segments` (as written in `here`) as a path from the crate root; `None` for another crate's.
    fn absolute(&self, here: &[String], segments: &[String]) -> Option<ModPath> {
        let mut base: ModPath = here.to_vec();
        let mut rest = segments;
        match segments.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &segments[1..];
            }
            Some("self" | "super") => {
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "self" => {}
                        "super" => {
                            base.pop()?;
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            // A path relative to a child module (`use calls::Call;` in `emulator/mod.rs`), or another
            // crate's (`ccc_wire::…`, `std::…`).
            Some(first) => {
                let mut child = here.to_vec();
                child.push(first.to_owned());
                if !self.is_module(&child) {
                    return None;
                }
            }
            None => return None,
        }
        base.extend(rest.iter().filter(|s| *s != "self" && *s != "*").cloned());
        Some(base)
    }

    /// The module `segments` (as written in `here`) ends in: the longest module prefix of its absolute
    /// path, following a name a module imports to where it comes from.
    fn resolve(
        &self,
        here: &[String],
        segments: &[String],
        imports: &BTreeMap<(ModPath, String), ModPath>,
    ) -> Option<ModPath> {
        let mut path = self.absolute(here, segments)?;
        for _ in 0..16 {
            let mut module: ModPath = Vec::new();
            let mut k = 0;
            while k < path.len() && self.is_module(&[module.as_slice(), &path[k..=k]].concat()) {
                module.push(path[k].clone());
                k += 1;
            }
            match path
                .get(k)
                .and_then(|name| imports.get(&(module.clone(), name.clone())))
            {
                Some(source) if *source != path[..=k] => {
                    path = [source.as_slice(), &path[k + 1..]].concat();
                }
                _ => return Some(module),
            }
        }
        None
    }
}

/// The module a file is: `emulator/calls.rs` → `emulator::calls`, `emulator/mod.rs` → `emulator`.
fn module_of(rel: &str) -> ModPath {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    let root = parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main");
    if root || parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn display(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// `mod name;` declarations of a file.
fn declared_modules(scanned: &Scanned) -> Vec<String> {
    let idents = scanned.idents();
    idents
        .windows(2)
        .filter(|w| w[0].1 == "mod" && scanned.after(w[1].0 + w[1].1.len()) == Some(';'))
        .map(|w| w[1].1.clone())
        .collect()
}

/// The inline modules of a file (`mod tests { … }`): `(name, from, to)` offsets of their braces.
fn inline_modules(scanned: &Scanned) -> Vec<(String, usize, usize)> {
    let idents = scanned.idents();
    let mut out = Vec::new();
    for w in idents.windows(2) {
        let (name_at, name) = &w[1];
        let after_name = name_at + name.chars().count();
        if w[0].1 != "mod" || scanned.after(after_name) != Some('{') {
            continue;
        }
        let open = after_name
            + scanned.code[after_name..]
                .iter()
                .position(|&c| c == '{')
                .expect("the brace");
        let mut depth = 0;
        let mut close = scanned.code.len();
        for (i, &c) in scanned.code.iter().enumerate().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name.clone(), open, close));
    }
    out
}

/// The module the code at `offset` is in: its file's, and the inline modules around it.
fn within(module: &[String], inline: &[(String, usize, usize)], offset: usize) -> ModPath {
    let mut here = module.to_vec();
    for (name, from, to) in inline {
        if *from < offset && offset < *to {
            here.push(name.clone());
        }
    }
    here
}

/// Every path the code names that may be the crate's: each leaf of a `use` tree, and each inline path
/// starting with `crate`, `self` or `super` — `(offset, segments)`.
fn paths(scanned: &Scanned) -> Vec<(usize, Vec<String>)> {
    let tokens = tokens(scanned);
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let (at, token) = &tokens[k];
        if token == "use" {
            let end = (k..tokens.len())
                .find(|&j| tokens[j].1 == ";")
                .unwrap_or(tokens.len());
            let mut leaves = Vec::new();
            use_tree(&tokens[k + 1..end], &[], &mut leaves);
            out.extend(leaves.into_iter().map(|leaf| (*at, leaf)));
            k = end;
            continue;
        }
        let starts_path = matches!(token.as_str(), "crate" | "self" | "super")
            && tokens.get(k + 1).is_some_and(|(_, t)| t == "::")
            && (k == 0 || tokens[k - 1].1 != "::");
        if starts_path {
            let mut segments = vec![token.clone()];
            let mut j = k + 1;
            while tokens.get(j).is_some_and(|(_, t)| t == "::")
                && tokens.get(j + 1).is_some_and(|(_, t)| is_ident(t))
            {
                segments.push(tokens[j + 1].1.clone());
                j += 2;
            }
            out.push((*at, segments));
            k = j;
            continue;
        }
        k += 1;
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The leaves of a `use` tree (`a::{b, c::{d as e, *}}` → `a::b`, `a::c::d`, `a::c::*`); `as` renames
/// are read as the path they rename.
fn use_tree(tokens: &[(usize, String)], prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut k = 0;
    let mut current: Vec<String> = Vec::new();
    let finish = |current: &mut Vec<String>, out: &mut Vec<Vec<String>>, prefix: &[String]| {
        // `a::{self, B}`: the leaf `self` is `a` itself.
        if current.as_slice() == ["self"] {
            current.clear();
            out.push(prefix.to_vec());
        }
        if !current.is_empty() {
            out.push([prefix, current.as_slice()].concat());
            current.clear();
        }
    };
    while k < tokens.len() {
        let t = tokens[k].1.as_str();
        match t {
            "::" => {}
            "," => finish(&mut current, out, prefix),
            "as" => k += 1, // the alias
            "{" => {
                let mut depth = 0;
                let mut close = tokens.len();
                for (j, (_, u)) in tokens.iter().enumerate().skip(k) {
                    match u.as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                close = j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let inner_prefix = [prefix, current.as_slice()].concat();
                use_tree(&tokens[k + 1..close], &inner_prefix, out);
                current.clear();
                k = close;
            }
            _ if is_ident(t) || t == "*" => current.push(t.to_owned()),
            _ => {}
        }
        k += 1;
    }
    finish(&mut current, out, prefix);
}

/// The code as tokens that matter for paths: identifiers, `::`, `{`, `}`, `,`, `;`, `*`, with offsets.
fn tokens(scanned: &Scanned) -> Vec<(usize, String)> {
    let code = &scanned.code;
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
            out.push((start, code[start..i].iter().collect()));
            continue;
        }
        if c.is_ascii_digit() {
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
            continue;
        }
        if c == ':' && code.get(i + 1) == Some(&':') {
            out.push((i, "::".into()));
            i += 2;
            continue;
        }
        if matches!(c, '{' | '}' | ',' | ';' | '*') {
            out.push((i, c.to_string()));
        } else if !c.is_whitespace() {
            out.push((i, "·".into()));
        }
        i += 1;
    }
    out
}

/// Tarjan's strongly connected components with more than one module.
fn strongly_connected<'a>(
    graph: &BTreeMap<&'a ModPath, BTreeSet<&'a ModPath>>,
) -> Vec<Vec<&'a ModPath>> {
    struct State<'a> {
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        out: Vec<Vec<&'a ModPath>>,
    }
    fn visit<'a>(
        v: &'a ModPath,
        graph: &BTreeMap<&'a ModPath, BTreeSet<&'a ModPath>>,
        s: &mut State<'a>,
    ) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for &w in graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, graph, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let at = s.stack.iter().position(|&m| m == v).expect("on the stack");
            let component = s.stack.split_off(at);
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for &v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(v, graph, &mut s);
        }
    }
    s.out
}

/// One circle through a component: the shortest way from its first module back to itself.
fn cycle_in<'a>(
    graph: &BTreeMap<&'a ModPath, BTreeSet<&'a ModPath>>,
    component: &[&'a ModPath],
) -> Vec<ModPath> {
    let start = *component.iter().min().expect("a module");
    let inside: BTreeSet<&ModPath> = component.iter().copied().collect();
    let mut came_from: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in graph.get(v).into_iter().flatten() {
            if !inside.contains(w) {
                continue;
            }
            if w == start {
                let mut cycle = vec![v.clone()];
                let mut at = v;
                while at != start {
                    at = came_from[at];
                    cycle.push(at.clone());
                }
                cycle.reverse();
                return cycle;
            }
            if !came_from.contains_key(w) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    unreachable!("a strongly connected component has a circle")
}

#[test]
fn the_reader_finds_what_a_file_names() {
    let src = r#"
//! Names crate::hub in a comment.
use super::{calls::{leg, Leg as L}, model::*};
use crate::ids::now_ms;
use ccc_wire::ApiError;
use self::child::Thing;
fn f() { let s = "crate::store"; crate::hub::Hub::new(); super::call_control::consultation_running(x); }
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;
}
"#;
    let scanned = Scanned::new(src);
    let found: Vec<(usize, String)> = paths(&scanned)
        .into_iter()
        .map(|(at, p)| (scanned.line(at), p.join("::")))
        .collect();
    let lines = |v: &[(usize, &str)]| {
        v.iter()
            .map(|(l, p)| (*l, p.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found,
        lines(&[
            (3, "super::calls::leg"),
            (3, "super::calls::Leg"),
            (3, "super::model::*"),
            (4, "crate::ids::now_ms"),
            (5, "ccc_wire::ApiError"),
            (6, "self::child::Thing"),
            (7, "crate::hub::Hub::new"),
            (7, "super::call_control::consultation_running"),
            (9, "super::*"),
            (10, "crate::emulator::data::EmulatorConfig"),
        ])
    );
    let inline = inline_modules(&scanned);
    assert_eq!(inline.len(), 1);
    let module = vec!["emulator".to_string(), "calls".to_string()];
    let in_tests = src.find("use super::*").expect("the test module's use");
    assert_eq!(
        within(&module, &inline, in_tests),
        ["emulator", "calls", "tests"]
    );
    assert_eq!(module_of("emulator/mod.rs"), ["emulator"]);
    assert_eq!(module_of("lib.rs"), Vec::<String>::new());
    assert_eq!(module_of("sip/view.rs"), ["sip", "view"]);
}

#[test]
fn a_circle_is_found_and_a_parent_is_no_edge() {
    let file = |rel: &str, text: &str| (module_of(rel), (rel.to_owned(), text.to_owned()));
    let krate = Crate {
        root: "crates/x/src".into(),
        files: BTreeMap::from([
            file("lib.rs", "mod a; mod b; mod c;"),
            file(
                "a/mod.rs",
                "mod inner; pub use self::inner::Shared; pub struct Top;",
            ),
            file("a/inner.rs", "use super::Top; pub struct Shared;"),
            file("b.rs", "use crate::a::Shared;"),
            file("c.rs", "use crate::b; fn f() { crate::a::Top; }"),
        ]),
    };
    assert!(krate.circles().is_empty(), "{:?}", krate.circles());
    let edges = krate.edges();
    let names: Vec<(String, String)> = edges
        .keys()
        .map(|(f, t)| (display(f), display(t)))
        .collect();
    assert_eq!(
        names,
        [
            ("b".to_string(), "a".to_string()),
            ("c".into(), "a".into()),
            ("c".into(), "b".into())
        ],
        "inner → a (its parent) is no edge"
    );

    let mut circular = krate;
    circular.files.insert(
        module_of("a/inner.rs"),
        (
            "a/inner.rs".into(),
            "use super::Top;\nuse crate::c::Other;".into(),
        ),
    );
    let circles = circular.circles();
    assert_eq!(circles.len(), 1, "{circles:?}");
    assert!(
        circles[0].starts_with("crates/x/src: a → c → a"),
        "{}",
        circles[0]
    );
    assert!(
        circles[0].contains("a → c: crates/x/src/a/inner.rs:2 `crate::c::Other`"),
        "{}",
        circles[0]
    );
}
