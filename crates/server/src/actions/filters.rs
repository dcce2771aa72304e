//! What the list actions and the agent report read their requests' filters with: id lists (a JSON array or
//! comma-separated), skill-group membership, and where the emulated instance's "today" starts.

use ccc_wire::ApiError;

use crate::emulator::state::Agent;
use crate::emulator::Emulator;

const DAY_MS: i64 = 86_400_000;
/// The emulated instance's clock is China Standard Time (UTC+8): "today" starts at its midnight.
const UTC_OFFSET_MS: i64 = 8 * 3_600_000;

/// Epoch ms of the start of today (UTC+8).
pub(crate) fn start_of_today(now: i64) -> i64 {
    (now + UTC_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - UTC_OFFSET_MS
}

/// A JSON array string (or a comma-separated list) of strings.
pub(crate) fn string_list(name: &str, raw: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if raw.starts_with('[') {
        serde_json::from_str(raw)
            .map(Some)
            .map_err(|_| ApiError::invalid(name, "It must be a JSON array of strings"))
    } else {
        Ok(Some(
            raw.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ))
    }
}

pub(crate) fn in_group(emu: &Emulator, agent: &Agent, group: Option<&str>) -> bool {
    group
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .is_none_or(|g| emu.is_member(&agent.user_id, g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_starts_at_midnight_in_china() {
        // 2024-01-01T00:30:00+08:00 = 2023-12-31T16:30:00Z
        let t = 1_704_040_200_000;
        assert_eq!(start_of_today(t), 1_704_038_400_000);
        assert_eq!(start_of_today(1_704_038_400_000), 1_704_038_400_000);
    }

    #[test]
    fn lists_are_json_arrays_or_comma_separated() {
        assert_eq!(
            string_list("X", Some(r#"["a","b"]"#)).unwrap(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            string_list("X", Some("a, b")).unwrap(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(string_list("X", Some(" ")).unwrap(), None);
        assert!(string_list("X", Some("[1")).is_err());
    }
}
