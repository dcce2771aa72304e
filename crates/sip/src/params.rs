//! Parameters: `;name[=value]` lists of URIs (RFC 3261 §19.1.1) and of header fields (`generic-param`).
//!
//! Values are kept as written (a quoted string keeps its quotes and escapes, a URI parameter its `%HH`
//! escapes) so that printing is byte-stable; [`Params::unquoted`] gives the plain text. Names compare
//! case-insensitively.

use std::fmt;

use crate::error::Result;
use crate::scan::{quote, unquote, Cursor};

/// One parameter; `value` is `None` for a flag such as `;lr` or `;rport`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name as written.
    pub name: String,
    /// The value as written (quoted strings keep their quotes), if any.
    pub value: Option<String>,
}

/// An ordered list of parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params(Vec<Param>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params(Vec::new())
    }

    /// The parameters in order.
    pub fn iter(&self) -> impl Iterator<Item = &Param> {
        self.0.iter()
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No parameter at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, name: &str) -> Option<&Param> {
        self.0.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Whether `name` is present (with or without a value).
    pub fn contains(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The raw value of `name`; `None` if absent or valueless.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.find(name).and_then(|p| p.value.as_deref())
    }

    /// The value of `name` with quotes and escapes removed.
    pub fn unquoted(&self, name: &str) -> Option<String> {
        self.value(name).map(|v| {
            if v.starts_with('"') {
                unquote(v)
            } else {
                v.to_owned()
            }
        })
    }

    /// Sets `name` to a raw `value` (a token, host or already quoted string), replacing an existing one.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_owned);
        match self
            .0
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            Some(p) => p.value = value,
            None => self.0.push(Param {
                name: name.to_owned(),
                value,
            }),
        }
    }

    /// Sets `name` to `value` as a quoted string.
    pub fn set_quoted(&mut self, name: &str, value: &str) {
        self.set(name, Some(&quote(value)));
    }

    /// Removes `name`; returns whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|p| !p.name.eq_ignore_ascii_case(name));
        before != self.0.len()
    }

    pub(crate) fn push(&mut self, name: &str, value: Option<&str>) {
        self.0.push(Param {
            name: name.to_owned(),
            value: value.map(str::to_owned),
        });
    }

    /// Header parameters at the cursor: `*( SEMI generic-param )`, LWS allowed around `;` and `=`.
    pub(crate) fn parse_header(c: &mut Cursor<'_>) -> Result<Params> {
        let mut params = Params::new();
        while c.eat_sep(b';') {
            let Some(name) = c.token() else {
                return Err(c.syntax("empty or invalid parameter name"));
            };
            let value = if c.eat_sep(b'=') {
                Some(c.gen_value()?)
            } else {
                None
            };
            params.push(name, value);
        }
        Ok(params)
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            f.write_str(";")?;
            f.write_str(&p.name)?;
            if let Some(v) = &p.value {
                f.write_str("=")?;
                f.write_str(v)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Params> {
        let mut c = Cursor::new(s);
        let p = Params::parse_header(&mut c)?;
        c.finish("test")?;
        Ok(p)
    }

    #[test]
    fn header_params_with_lws() {
        let p = parse(" ; newparam =  newvalue ;  secondparam ; q = 0.33").unwrap();
        assert_eq!(p.to_string(), ";newparam=newvalue;secondparam;q=0.33");
        assert!(p.contains("SECONDPARAM"));
        assert_eq!(p.value("secondparam"), None);
        assert_eq!(p.value("Q"), Some("0.33"));
    }

    #[test]
    fn quoted_values_keep_their_quotes() {
        let p = parse(";+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\";reg-id=1").unwrap();
        assert_eq!(
            p.value("+sip.instance"),
            Some("\"<urn:uuid:f81-7dec-14a06cf1>\"")
        );
        assert_eq!(
            p.unquoted("+sip.instance").unwrap(),
            "<urn:uuid:f81-7dec-14a06cf1>"
        );
        assert_eq!(
            p.to_string(),
            ";+sip.instance=\"<urn:uuid:f81-7dec-14a06cf1>\";reg-id=1"
        );
    }

    #[test]
    fn empty_parameters_are_errors() {
        assert!(parse(";;").is_err());
        assert!(parse(";a=").is_err());
        assert!(parse(";a=\"open").is_err());
    }

    #[test]
    fn set_and_remove() {
        let mut p = Params::new();
        p.set("tag", Some("abc"));
        p.set("TAG", Some("def"));
        p.set_quoted("reason", "a \"b\"");
        assert_eq!(p.to_string(), ";tag=def;reason=\"a \\\"b\\\"\"");
        assert!(p.remove("Tag"));
        assert_eq!(p.len(), 1);
    }
}
