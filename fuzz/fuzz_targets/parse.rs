//! Parses arbitrary bytes as one SIP frame. The parser must never panic, and whatever parses must print
//! to bytes that parse back into an equal message (the same property `crates/sip/tests/mutations.rs`
//! checks under `cargo test`).
#![no_main]

use ccc_sip::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = Message::parse(data) {
        let printed = msg.to_bytes();
        let again = Message::parse(&printed).expect("a printed message parses");
        assert_eq!(msg, again);
        assert_eq!(printed, again.to_bytes());
    }
});
