//! Number locations (GetNumberLocation) and caller-number picking (PickOutboundNumbers).
//!
//! Landlines are located by area code ([`AREA_CODES`]: 021 上海, 010 北京, 0571 杭州); every mobile number
//! (`1[3-9]` + 9 digits, with or without `+86` / `0086` / `86`) is placed in [`MOBILE_SAMPLE`]; anything else has
//! an empty province and city. Picking prefers the instance's numbers in the callee's city, then its province,
//! then the rest, in configuration order; for mobiles any number will do (configuration order).

use ccc_wire::records::NumberLocation;

use super::data::OutboundNumberConfig;

/// Area code → (province, city).
pub(crate) const AREA_CODES: &[(&str, &str, &str)] = &[
    ("021", "上海", "上海"),
    ("010", "北京", "北京"),
    ("0571", "浙江", "杭州"),
];

/// (province, city) every mobile number is given.
pub(crate) const MOBILE_SAMPLE: (&str, &str) = ("广东", "深圳");

/// `number` without a country prefix (`+86`, `0086`, `86` before a mobile) or separators.
fn national(number: &str) -> String {
    let digits: String = number
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    for prefix in ["0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            if is_mobile(rest) {
                return rest.to_owned();
            }
        }
    }
    digits
}

fn is_mobile(n: &str) -> bool {
    n.len() == 11
        && n.starts_with('1')
        && n[1..2].chars().all(|c| ('3'..='9').contains(&c))
        && n.chars().all(|c| c.is_ascii_digit())
}

/// Whether `number` is a mobile number.
pub(crate) fn is_mobile_number(number: &str) -> bool {
    is_mobile(&national(number))
}

/// The location of `number` (empty province and city when unknown).
pub(crate) fn locate(number: &str) -> NumberLocation {
    let n = national(number);
    let (province, city) = if is_mobile(&n) {
        MOBILE_SAMPLE
    } else {
        AREA_CODES
            .iter()
            .find(|(code, _, _)| n.starts_with(code))
            .map_or(("", ""), |(_, p, c)| (*p, *c))
    };
    NumberLocation {
        city: city.into(),
        number: number.trim().to_owned(),
        province: province.into(),
    }
}

/// Up to `count` of `numbers` for calling `callee`, best first.
pub(crate) fn pick<'a>(
    callee: &str,
    numbers: &'a [OutboundNumberConfig],
    count: usize,
) -> Vec<&'a OutboundNumberConfig> {
    let loc = locate(callee);
    let mut ranked: Vec<(u8, usize, &OutboundNumberConfig)> = numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let anywhere = is_mobile_number(callee) || loc.city.is_empty();
            let rank = if anywhere || n.city == loc.city {
                0
            } else if n.province == loc.province {
                1
            } else {
                2
            };
            (rank, i, n)
        })
        .collect();
    ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
    ranked.into_iter().take(count).map(|(_, _, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::EmulatorConfig;

    #[test]
    fn locations() {
        assert_eq!(locate("02188889999").city, "上海");
        assert_eq!(locate("010-8888 9999").province, "北京");
        assert_eq!(locate("057188889999").city, "杭州");
        let m = locate("+8613812345678");
        assert_eq!((m.province.as_str(), m.city.as_str()), MOBILE_SAMPLE);
        assert_eq!(m.number, "+8613812345678");
        assert_eq!(locate("12345").city, "");
    }

    #[test]
    fn picks_the_same_city_first() {
        let c = EmulatorConfig::default();
        let best = |callee: &str| pick(callee, &c.outbound_numbers, 1)[0].number.clone();
        assert_eq!(best("057112345678"), "057180000003");
        assert_eq!(best("01012345678"), "01080000002");
        assert_eq!(best("13812345678"), "02180000001");
        assert_eq!(pick("021", &c.outbound_numbers, 10).len(), 3);
    }
}
