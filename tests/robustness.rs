//! Bad input never crashes: truncated and byte-flipped corpus files, deep nesting, arbitrary bytes.
mod support;

use aslint::lint::{decode, lint_source};
use aslint::syntax::SourceKind;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn lint_bytes(name: &str, bytes: Vec<u8>) -> usize {
    let kind = SourceKind::from_path(name);
    let decoded = decode(bytes, kind);
    match decoded.error {
        Some(_) => 1,
        None => lint_source(name, &decoded.text, kind).len(),
    }
}

#[test]
fn truncated_and_mutated_corpus_files_never_panic() {
    let Some(shared) = support::shared_dir("truncated_and_mutated_corpus_files_never_panic") else {
        return;
    };
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let files = support::corpus_files(&shared.join("corpus"));
    assert!(files.len() > 700);
    let mut truncated_with_findings = 0;
    let mut truncations = 0;
    for file in &files {
        let bytes = std::fs::read(file).expect("readable");
        let name = file.display().to_string();
        for i in 1..=12 {
            let cut = bytes.len() * i / 13;
            truncations += 1;
            if lint_bytes(&name, bytes[..cut].to_vec()) > 0 {
                truncated_with_findings += 1;
            }
        }
        for _ in 0..8 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(b.len());
                if let Some(x) = b.get_mut(at) {
                    *x = rng.next() as u8;
                }
            }
            lint_bytes(&name, b);
        }
    }
    // A cut document is broken almost always: the parsers must say so.
    assert!(
        truncated_with_findings * 10 >= truncations * 9,
        "only {truncated_with_findings} of {truncations} truncated files gave findings"
    );
}

#[test]
fn deep_nesting_gives_a_diagnostic_not_a_stack_overflow() {
    let depth = 100_000;
    let cases = [
        ("deep.asl.json", "[".repeat(depth)),
        (
            "deep2.asl.json",
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        ("deep3.asl.json", "{\"a\":".repeat(depth)),
        ("deep.asl.yaml", "[".repeat(depth)),
        (
            "deep2.asl.yaml",
            (0..2000)
                .map(|i| format!("{}- \n", " ".repeat(i)))
                .collect::<String>(),
        ),
    ];
    for (name, text) in cases {
        let d = lint_source(name, &text, SourceKind::from_path(name));
        assert!(!d.is_empty(), "{name}: no diagnostic for deep nesting");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(42);
    for i in 0..2000 {
        let len = rng.below(200);
        let alphabet = b"{}[]:,\"'\\ \n\r\tabcSTARTtnuel0123456789-+.eE/*$%!&|>#~\x00\xff\xc3\xa9";
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        for ext in ["json", "json5", "yaml"] {
            lint_bytes(&format!("f{i}.asl.{ext}"), bytes.clone());
        }
    }
}
