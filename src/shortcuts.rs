//! Keyboard shortcuts for the four things an agent does all day without looking: answer, hang up, mute
//! and hold (this SDK's own `shortcuts` option). Pure: combos parsed from the host's config and matched
//! against a key press; `workbench/page_events.rs` feeds it the page's `keydown`s and
//! `Workbench::run_shortcut` does the rest (only where the status allows the method: a stray key press
//! never raises a 9001).
//!
//! Defaults: answer `Alt+Shift+A`, hang up `Alt+Shift+E`, mute/unmute `Alt+Shift+M`, hold/retrieve
//! `Alt+Shift+H`. `shortcuts: false` turns them off; `shortcuts: {answer: 'Ctrl+Enter', hold: false}`
//! changes or removes single ones. A combo is modifiers (`Alt`, `Ctrl`/`Control`, `Shift`, `Meta`) and
//! one key — a letter or digit (matched by its position, so any keyboard layout), `F1`–`F12`, `Enter`,
//! `Space`, `Escape` — joined by `+`, in any case.

use serde_json::Value;

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// `answer()`.
    Answer,
    /// `hangUp()`.
    HangUp,
    /// `muteAgent()`, or `umMuteAgent()` when muted.
    Mute,
    /// `callHold()`, or `callRetrieve()` when held.
    Hold,
}

impl Shortcut {
    /// Every shortcut with its key in the `shortcuts` option and its default combo.
    pub const ALL: [(Shortcut, &'static str, &'static str); 4] = [
        (Shortcut::Answer, "answer", "Alt+Shift+A"),
        (Shortcut::HangUp, "hangUp", "Alt+Shift+E"),
        (Shortcut::Mute, "mute", "Alt+Shift+M"),
        (Shortcut::Hold, "hold", "Alt+Shift+H"),
    ];
}

/// A key press as the page saw it (`KeyboardEvent`'s fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPress {
    /// `code`: the physical key (`KeyA`, `Digit1`, `Enter`).
    pub code: String,
    pub alt: bool,
    pub ctrl: bool,
    pub shift: bool,
    pub meta: bool,
    /// Held down (auto-repeat): never a new shortcut.
    pub repeat: bool,
}

/// One combo: modifiers and a key (`code`, as [`KeyPress::code`] says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combo {
    alt: bool,
    ctrl: bool,
    shift: bool,
    meta: bool,
    code: String,
}

impl Combo {
    /// `"Alt+Shift+A"` → the combo; `None` when it names no key, two keys or an unknown one.
    pub fn parse(text: &str) -> Option<Combo> {
        let mut combo = Combo {
            alt: false,
            ctrl: false,
            shift: false,
            meta: false,
            code: String::new(),
        };
        for part in text.split('+').map(str::trim) {
            let lower = part.to_ascii_lowercase();
            match lower.as_str() {
                "alt" | "option" => combo.alt = true,
                "ctrl" | "control" => combo.ctrl = true,
                "shift" => combo.shift = true,
                "meta" | "cmd" | "command" => combo.meta = true,
                _ if !combo.code.is_empty() => return None,
                _ => combo.code = key_code(part)?,
            }
        }
        (!combo.code.is_empty()).then_some(combo)
    }

    fn matches(&self, k: &KeyPress) -> bool {
        !k.repeat
            && (self.alt, self.ctrl, self.shift, self.meta) == (k.alt, k.ctrl, k.shift, k.meta)
            && self.code == k.code
    }
}

/// The `code` of a key as a combo names it.
fn key_code(key: &str) -> Option<String> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return match c {
            'a'..='z' | 'A'..='Z' => Some(format!("Key{}", c.to_ascii_uppercase())),
            '0'..='9' => Some(format!("Digit{c}")),
            _ => None,
        };
    }
    let lower = key.to_ascii_lowercase();
    let named = match lower.as_str() {
        "enter" | "return" => "Enter",
        "space" => "Space",
        "escape" | "esc" => "Escape",
        f if f.starts_with('f') && matches!(f[1..].parse::<u8>(), Ok(1..=12)) => {
            return Some(format!("F{}", &f[1..]));
        }
        _ => return None,
    };
    Some(named.to_owned())
}

/// The shortcuts in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcuts(Vec<(Shortcut, Combo)>);

impl Default for Shortcuts {
    fn default() -> Self {
        Shortcuts(
            Shortcut::ALL
                .iter()
                .filter_map(|(s, _, combo)| Some((*s, Combo::parse(combo)?)))
                .collect(),
        )
    }
}

impl Shortcuts {
    /// From the `shortcuts` option: absent → the defaults; `false` → none; an object → the defaults with
    /// each named one replaced (a combo string) or removed (`false`, `""`); a combo that does not parse
    /// keeps the default. Anything else → the defaults.
    pub fn from_option(value: Option<&Value>) -> Shortcuts {
        let mut shortcuts = Shortcuts::default();
        match value {
            Some(Value::Bool(false)) => shortcuts.0.clear(),
            Some(Value::Object(map)) => {
                for (shortcut, name, _) in Shortcut::ALL {
                    let replacement = match map.get(name) {
                        None => continue,
                        Some(Value::Bool(false)) | Some(Value::Null) => None,
                        Some(Value::String(s)) if s.trim().is_empty() => None,
                        Some(Value::String(s)) => match Combo::parse(s) {
                            Some(c) => Some(c),
                            None => continue,
                        },
                        Some(_) => continue,
                    };
                    shortcuts.0.retain(|(s, _)| *s != shortcut);
                    if let Some(combo) = replacement {
                        shortcuts.0.push((shortcut, combo));
                    }
                }
            }
            _ => {}
        }
        shortcuts
    }

    /// The shortcut `press` is, if any.
    pub fn find(&self, press: &KeyPress) -> Option<Shortcut> {
        self.0
            .iter()
            .find(|(_, combo)| combo.matches(press))
            .map(|(s, _)| *s)
    }

    /// Whether there are any (no key listener is needed without).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn press(code: &str, alt: bool, ctrl: bool, shift: bool) -> KeyPress {
        KeyPress {
            code: code.into(),
            alt,
            ctrl,
            shift,
            meta: false,
            repeat: false,
        }
    }

    #[test]
    fn the_defaults_need_alt_and_shift_and_match_by_position() {
        let s = Shortcuts::default();
        assert_eq!(
            s.find(&press("KeyA", true, false, true)),
            Some(Shortcut::Answer)
        );
        assert_eq!(
            s.find(&press("KeyE", true, false, true)),
            Some(Shortcut::HangUp)
        );
        assert_eq!(
            s.find(&press("KeyM", true, false, true)),
            Some(Shortcut::Mute)
        );
        assert_eq!(
            s.find(&press("KeyH", true, false, true)),
            Some(Shortcut::Hold)
        );
        assert_eq!(
            s.find(&press("KeyA", true, false, false)),
            None,
            "Alt alone"
        );
        assert_eq!(
            s.find(&press("KeyA", false, false, false)),
            None,
            "typing an a"
        );
        assert_eq!(
            s.find(&press("KeyA", true, true, true)),
            None,
            "an extra modifier"
        );
        let held = KeyPress {
            repeat: true,
            ..press("KeyA", true, false, true)
        };
        assert_eq!(s.find(&held), None, "auto-repeat");
    }

    #[test]
    fn combos_parse_in_any_case_and_bad_ones_are_refused() {
        assert_eq!(Combo::parse("ctrl+enter"), Combo::parse("Control + Enter"));
        assert!(Combo::parse("Ctrl+Enter").is_some_and(|c| c.ctrl && c.code == "Enter"));
        assert!(Combo::parse("alt+1").is_some_and(|c| c.code == "Digit1"));
        assert!(Combo::parse("F9").is_some_and(|c| c.code == "F9"));
        for bad in ["", "Alt", "Alt+A+B", "Ctrl+F13", "Alt+é", "Hyper+A", "Alt+"] {
            assert_eq!(Combo::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_option_turns_off_changes_or_removes_shortcuts() {
        assert!(Shortcuts::from_option(Some(&json!(false))).is_empty());
        assert_eq!(Shortcuts::from_option(None), Shortcuts::default());
        assert_eq!(
            Shortcuts::from_option(Some(&json!(true))),
            Shortcuts::default()
        );
        let s = Shortcuts::from_option(Some(&json!({
            "answer": "Ctrl+Enter", "hold": false, "mute": "not a combo", "other": "Alt+X"
        })));
        assert_eq!(
            s.find(&press("Enter", false, true, false)),
            Some(Shortcut::Answer)
        );
        assert_eq!(
            s.find(&press("KeyA", true, false, true)),
            None,
            "answer moved"
        );
        assert_eq!(
            s.find(&press("KeyH", true, false, true)),
            None,
            "hold removed"
        );
        assert_eq!(
            s.find(&press("KeyM", true, false, true)),
            Some(Shortcut::Mute),
            "a bad combo keeps the default"
        );
        assert_eq!(
            s.find(&press("KeyE", true, false, true)),
            Some(Shortcut::HangUp)
        );
    }
}
