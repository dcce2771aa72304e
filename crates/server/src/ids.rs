//! Fresh identifiers: request ids, push tokens, job ids. Unique per process (a counter), unpredictable enough
//! for a loopback dev server (no extra crate: the counter through a hasher keyed at random per process, so
//! another run of the server draws other ids).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn random_u64() -> u64 {
    static SEED: OnceLock<RandomState> = OnceLock::new();
    let mut h = SEED.get_or_init(RandomState::new).build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// A UUID-shaped request id, e.g. `1F0A3C2B-9D4E-4A1B-8C7D-0E5F6A7B8C9D`: 32 upper-case hex digits in groups
/// of 8-4-4-4-12. Written digit by digit: every API answer carries one.
pub(crate) fn request_id() -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let (a, b) = (random_u64(), random_u64());
    let mut id = String::with_capacity(36);
    for (i, nibble) in (0..16)
        .rev()
        .map(|k| (a >> (4 * k)) & 0xF)
        .chain((0..16).rev().map(|k| (b >> (4 * k)) & 0xF))
        .enumerate()
    {
        if matches!(i, 8 | 12 | 16 | 20) {
            id.push('-');
        }
        id.push(char::from(HEX[nibble as usize]));
    }
    id
}

/// An opaque 32-hex-digit token.
pub(crate) fn token() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_shaped() {
        let (a, b) = (request_id(), request_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{a}");
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()),
            "{a}"
        );
        assert_eq!(token().len(), 32);
    }
}
