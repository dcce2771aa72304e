//! RFC 4733 telephone-event payloads → DTMF digits.
//!
//! A sender repeats the report of one event every ~50 ms while the key is held and sends the
//! final (E-bit) report three times; all reports of one event share an RTP timestamp (§2.3.1). The
//! [`DtmfDecoder`] therefore emits a digit once per RTP timestamp, when it first sees the event,
//! so retransmitted end packets never produce a second digit.

/// One RFC 4733 report (the first four bytes of a telephone-event payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// Event code: 0–9 digits, 10 `*`, 11 `#`, 12–15 `A`–`D`, 16 flash.
    pub event: u8,
    /// The E bit: this report ends the event.
    pub end: bool,
    /// Power in −dBm0 (0–63).
    pub volume: u8,
    /// Duration so far, in RTP timestamp units.
    pub duration: u16,
}

/// Parses the first report of a telephone-event payload; `None` if shorter than four bytes.
pub fn parse(payload: &[u8]) -> Option<Report> {
    let b = payload.get(..4)?;
    Some(Report {
        event: b[0],
        end: b[1] & 0x80 != 0,
        volume: b[1] & 0x3f,
        duration: u16::from_be_bytes([b[2], b[3]]),
    })
}

/// The DTMF character of an event code (`None` for non-DTMF events such as flash).
pub fn digit(event: u8) -> Option<char> {
    match event {
        0..=9 => Some((b'0' + event) as char),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some((b'A' + event - 12) as char),
        _ => None,
    }
}

/// The event code of a DTMF character (`0-9 * # A-D`, case-insensitive).
pub fn event_code(digit: char) -> Option<u8> {
    match digit.to_ascii_uppercase() {
        d @ '0'..='9' => Some(d as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        d @ 'A'..='D' => Some(d as u8 - b'A' + 12),
        _ => None,
    }
}

/// Turns a stream of (RTP timestamp, payload) into digits, one per event.
#[derive(Debug, Default, Clone)]
pub struct DtmfDecoder {
    last_timestamp: Option<u32>,
}

impl DtmfDecoder {
    /// A decoder that has seen no event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one received telephone-event packet; returns the digit if it starts a new event.
    pub fn push(&mut self, rtp_timestamp: u32, payload: &[u8]) -> Option<char> {
        let report = parse(payload)?;
        if self.last_timestamp == Some(rtp_timestamp) {
            return None;
        }
        self.last_timestamp = Some(rtp_timestamp);
        digit(report.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(event: u8, end: bool, volume: u8, duration: u16) -> [u8; 4] {
        let d = duration.to_be_bytes();
        [event, (if end { 0x80 } else { 0 }) | volume, d[0], d[1]]
    }

    #[test]
    fn parses_the_rfc_layout() {
        assert_eq!(
            parse(&payload(11, true, 10, 1600)),
            Some(Report {
                event: 11,
                end: true,
                volume: 10,
                duration: 1600
            })
        );
        // The reserved R bit (0x40) is ignored.
        assert_eq!(parse(&[5, 0x40 | 7, 0, 160]).unwrap().volume, 7);
        assert_eq!(parse(&[1, 2, 3]), None);
    }

    #[test]
    fn maps_all_dtmf_events() {
        let all: String = (0..=15).filter_map(digit).collect();
        assert_eq!(all, "0123456789*#ABCD");
        assert_eq!(digit(16), None);
        for code in 0..=15 {
            assert_eq!(event_code(digit(code).unwrap()), Some(code));
        }
        assert_eq!(event_code('b'), Some(13));
        assert_eq!(event_code('x'), None);
    }

    #[test]
    fn one_digit_per_event_despite_repeats() {
        let mut d = DtmfDecoder::new();
        let mut out = String::new();
        // "1": start, update, three end reports — all at timestamp 1000.
        for (end, dur) in [
            (false, 160),
            (false, 320),
            (true, 480),
            (true, 480),
            (true, 480),
        ] {
            out.extend(d.push(1000, &payload(1, end, 10, dur)));
        }
        // "#" at a new timestamp, then "1" again (a new event, so a new digit).
        out.extend(d.push(2000, &payload(11, false, 10, 160)));
        out.extend(d.push(2000, &payload(11, true, 10, 800)));
        out.extend(d.push(3000, &payload(1, true, 10, 800)));
        assert_eq!(out, "1#1");
    }

    #[test]
    fn ignores_garbage_and_non_digits() {
        let mut d = DtmfDecoder::new();
        assert_eq!(d.push(1, &[9]), None);
        assert_eq!(d.push(2, &payload(16, false, 0, 0)), None);
        assert_eq!(d.push(3, &payload(9, false, 0, 0)), Some('9'));
    }
}
