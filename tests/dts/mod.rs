//! Just enough of a TypeScript declaration-file reader for `tests/typings.rs`: comments set apart, the body
//! of an `export interface`, its members (name, optional, parameter list), and the literals of an
//! `export type X = 'a' | 'b' | 1;` union. Not a parser of TypeScript in general — of the shapes
//! `package/WorkbenchSdk.d.ts` is written in.

/// A member of an interface: `name?(params): T;` or `name?: T;`.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Its name.
    pub(crate) name: String,
    /// Declared with `?`.
    pub(crate) optional: bool,
    /// The text between the parentheses of a method signature; `None` for a property.
    pub(crate) params: Option<String>,
    /// The text after the name (and `?`) up to the end of the member.
    pub(crate) rest: String,
}

/// One parameter of a signature: `name?: type`.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// Its name (`...args` keeps the dots).
    pub(crate) name: String,
    /// Declared with `?`.
    pub(crate) optional: bool,
    /// Its type's text.
    pub(crate) ty: String,
}

/// `src` with `//` and `/* */` comments blanked out (string literals kept as they are).
pub(crate) fn strip_comments(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' || c == '`' {
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    out.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    out.push(chars[i]);
                }
                i += 1;
            }
            if i < chars.len() {
                out.push(c);
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The index just past the bracket that closes the one opening at `open` (`{`, `(` or `[`), skipping strings.
fn closing(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    panic!("unbalanced brackets from byte {open}");
}

/// The header (`export interface Name … {`, `extends` included) and body of interface `name`.
pub(crate) fn interface<'a>(src: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let key = format!("export interface {name}");
    let mut from = 0;
    while let Some(at) = src[from..].find(&key).map(|i| i + from) {
        let after = &src[at + key.len()..];
        if after.starts_with([' ', '{']) {
            let open = at + key.len() + after.find('{')?;
            let close = closing(src, open);
            return Some((&src[at..open], &src[open + 1..close - 1]));
        }
        from = at + key.len();
    }
    None
}

/// The members of an interface body, in order (overloads appear once each).
pub(crate) fn members(body: &str) -> Vec<Member> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_whitespace() || c == ';' || c == ',' {
            i += 1;
            continue;
        }
        // A member starts here: its name, `?`, then `(` / `:` / `<`; it ends at `;` at depth 0.
        let start = i;
        let mut end = i;
        while end < bytes.len() {
            match bytes[end] {
                b'{' | b'(' | b'[' => end = closing(body, end),
                b';' => break,
                _ => end += 1,
            }
        }
        let text = body[start..end].trim();
        i = end + 1;
        let name_len = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(text.len());
        if name_len == 0 || text.starts_with("readonly ") || text.starts_with("new ") {
            continue;
        }
        let name = &text[..name_len];
        let mut rest = &text[name_len..];
        let optional = rest.starts_with('?');
        if optional {
            rest = &rest[1..];
        }
        let rest = rest.trim_start();
        let params = rest.starts_with('(').then(|| {
            let close = closing(rest, 0);
            rest[1..close - 1].to_owned()
        });
        out.push(Member {
            name: name.to_owned(),
            optional,
            params,
            rest: rest.to_owned(),
        });
    }
    out
}

/// The parameters of a signature's parameter text.
pub(crate) fn params(text: &str) -> Vec<Param> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut push = |piece: &str| {
        let piece = piece.trim();
        if piece.is_empty() {
            return;
        }
        let (head, ty) = piece.split_once(':').unwrap_or((piece, ""));
        let head = head.trim();
        let optional = head.ends_with('?');
        out.push(Param {
            name: head.trim_end_matches('?').to_owned(),
            optional,
            ty: ty.trim().to_owned(),
        });
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'(' | b'[' => i = closing(text, i),
            b'<' => {
                let mut depth = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'<' => depth += 1,
                        b'>' if bytes[i - 1] != b'=' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b',' => {
                push(&text[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    push(&text[start..]);
    out
}

/// The right-hand side of `export type name = …;`.
pub(crate) fn type_alias<'a>(src: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("export type {name} =");
    let at = src.find(&key)? + key.len();
    let bytes = src.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'(' | b'[' => i = closing(src, i),
            b';' => return Some(src[at..i].trim()),
            _ => i += 1,
        }
    }
    None
}

/// The literal members of a union alias: numbers and quoted strings, in order (other members skipped).
pub(crate) fn union_literals(src: &str, name: &str) -> Vec<String> {
    let Some(rhs) = type_alias(src, name) else {
        return Vec::new();
    };
    rhs.split('|')
        .map(str::trim)
        .filter_map(|part| {
            if let Some(s) = part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')) {
                Some(s.to_owned())
            } else if part.parse::<i64>().is_ok() {
                Some(part.to_owned())
            } else {
                None
            }
        })
        .collect()
}
