//! The fuzz property under plain `cargo test`: thousands of deterministic mutations of the golden and
//! torture messages never panic the parser, and whatever parses prints to something that parses back
//! equal. (`fuzz/fuzz_targets/parse.rs` checks the same property with libFuzzer.)

mod common;

use ccc_sip::Message;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that matter to the grammar, to make mutations interesting.
const SPECIAL: &[u8] = b" \t\r\n:;,=<>\"\\@%?&/[]*0123456789aZ\x00\x7f\xc3\xff";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(2) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if at < v.len() => v[at] = SPECIAL[rng.below(SPECIAL.len())],
            1 => v.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 if at < v.len() => v[at] = rng.next() as u8,
            4 => {
                // Duplicate a slice (repeats headers, parameters, separators).
                let len = rng.below(40).min(v.len() - at.min(v.len()));
                let piece: Vec<u8> = v[at..at + len].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, piece);
            }
            5 => v.truncate(at),
            _ if at < v.len() => v[at] ^= 1 << rng.below(8),
            _ => {}
        }
    }
    v
}

/// The property: no panic; if it parses, print → parse gives an equal message (and printing is stable).
fn check(input: &[u8]) -> bool {
    let Ok(msg) = Message::parse(input) else {
        return false;
    };
    let printed = msg.to_bytes();
    let again = Message::parse(&printed).unwrap_or_else(|e| {
        panic!(
            "reprint failed: {e}\ninput: {:?}\nprinted: {:?}",
            String::from_utf8_lossy(input),
            String::from_utf8_lossy(&printed)
        )
    });
    assert_eq!(msg, again, "input: {:?}", String::from_utf8_lossy(input));
    assert_eq!(printed, again.to_bytes());
    true
}

fn corpus() -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = common::canonical()
        .iter()
        .map(|(_, t)| common::wire(t))
        .collect();
    all.extend(common::torture_valid().into_iter().map(|(_, b)| b));
    all.extend(common::torture_invalid().into_iter().map(|(_, b, _)| b));
    all
}

#[test]
fn mutated_messages_never_panic_and_round_trip() {
    let corpus = corpus();
    let mut rng = Rng(std::env::var("CCC_SIP_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_c0ff_ee15_1f00));
    let (mut parsed, mut total) = (0, 0);
    // `CCC_SIP_MUTATION_ROUNDS=5000 cargo test -p ccc-sip --release --test mutations` digs deeper.
    let rounds = std::env::var("CCC_SIP_MUTATION_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(120);
    for round in 0..rounds {
        for seed in &corpus {
            let input = mutate(&mut rng, seed);
            total += 1;
            if check(&input) {
                parsed += 1;
            }
            // Every few rounds, stack mutations on the mutated input.
            if round % 8 == 0 {
                let deeper = mutate(&mut rng, &input);
                total += 1;
                parsed += usize::from(check(&deeper));
            }
        }
    }
    assert!(total > 5000, "{total} inputs");
    // Enough mutations stay valid for the round trip to be exercised, not only the error paths.
    assert!(parsed * 8 > total, "only {parsed} of {total} parsed");
    eprintln!("{parsed} of {total} mutated messages parsed and round-tripped");
}

#[test]
fn prefixes_of_every_message_are_handled() {
    for seed in corpus() {
        for end in 0..seed.len() {
            check(&seed[..end]);
        }
    }
}
