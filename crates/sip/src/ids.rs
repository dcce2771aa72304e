//! Identifiers the UA layers draw: branches, tags, Call-IDs and client nonces, from an injected
//! [`IdGenerator`] so the crate stays free of randomness and tests are exact.
//!
//! In the browser the panel implements the trait on `crypto.getRandomValues`; tests use [`SeqIds`],
//! which counts.

use crate::transaction::BRANCH_COOKIE;

/// A source of fresh identifiers. Every call must return a value not returned before (random enough
/// to be globally unique for branches and Call-IDs, RFC 3261 §8.1.1.4, §8.1.1.7, §19.3).
pub trait IdGenerator {
    /// A Via branch, starting with `z9hG4bK` (§8.1.1.7).
    fn branch(&mut self) -> String;
    /// A From/To tag (§19.3): a token.
    fn tag(&mut self) -> String;
    /// A Call-ID (§8.1.1.4): `word[@word]`.
    fn call_id(&mut self) -> String;
    /// A Digest client nonce (RFC 2617 §3.2.2): a token.
    fn cnonce(&mut self) -> String;
}

/// A deterministic generator for tests and examples: `z9hG4bK<prefix><n>`, `<prefix>tag<n>`,
/// `<prefix>call<n>`, `<prefix>cn<n>`, with one counter shared by all four.
#[derive(Debug, Clone, Default)]
pub struct SeqIds {
    /// Prepended to every value (after the branch cookie).
    pub prefix: String,
    /// The counter; the next value uses `next`.
    pub next: u64,
}

impl SeqIds {
    /// A generator starting at 1 with `prefix`.
    pub fn new(prefix: &str) -> Self {
        SeqIds {
            prefix: prefix.to_owned(),
            next: 1,
        }
    }

    fn bump(&mut self) -> u64 {
        let n = self.next;
        self.next += 1;
        n
    }
}

impl IdGenerator for SeqIds {
    fn branch(&mut self) -> String {
        let n = self.bump();
        format!("{BRANCH_COOKIE}{}{n}", self.prefix)
    }
    fn tag(&mut self) -> String {
        let n = self.bump();
        format!("{}tag{n}", self.prefix)
    }
    fn call_id(&mut self) -> String {
        let n = self.bump();
        format!("{}call{n}", self.prefix)
    }
    fn cnonce(&mut self) -> String {
        let n = self.bump();
        format!("{}cn{n}", self.prefix)
    }
}
