//! A mutation test: the blueprint corpus (every golden and bad fixture), mutated at random
//! — characters replaced, inserted and deleted, lines duplicated, dropped and swapped,
//! values swapped for hostile ones — and each mutant run through parse, validation and
//! code generation. None may panic. The run is bounded by count and reproducible: the seed
//! is printed, and `STOREGEN_MUTATION_SEED` / `STOREGEN_MUTATIONS` set it and the count
//! (10,000 by default; CI runs 100,000).

mod support;

use storegen::BuildError;
use storegen::build::generate_in_memory;
use support::files;

/// xorshift64*: small, deterministic, no dependency.
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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What a mutation may write: TOML's own characters, and values at storegen's edges.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "\n",
    " ",
    "#",
    "\\",
    "\0",
    "\r",
    "é",
    "🎉",
    "0",
    "-1",
    "1e39",
    "nan",
    "inf",
    "18446744073709551616",
    "true",
    "\"\"",
    "\"Result\"",
    "\"Option\"",
    "\"type\"",
    "\"self\"",
    "\"sqlite_x\"",
    "\"storegen_migrations\"",
    "\"int64\"",
    "\"text\"",
    "\"enum\"",
    "\"json\"",
    "\"decimal\"",
    "primary_key = true",
    "unique = true",
    "nullable = true",
    "generated = true",
    "references = \"a.b\"",
    "order = [\"x desc\"]",
    "max_length = 99999999",
    "[[stores.x.indexes]]",
    "[stores.x.fields]",
    "values = []",
    "rust = \"_\"",
    "${UNSET_VAR}",
];

fn mutate(rng: &mut Rng, source: &str) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    for _ in 0..1 + rng.below(3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let at = rng.below(lines.len());
        match rng.below(7) {
            0 => {
                lines.remove(at);
            }
            1 => {
                let copy = lines[at].clone();
                lines.insert(rng.below(lines.len() + 1), copy);
            }
            2 => {
                let other = rng.below(lines.len());
                lines.swap(at, other);
            }
            _ => {
                let line = &lines[at];
                let cuts: Vec<usize> = line
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([line.len()])
                    .collect();
                let start = cuts[rng.below(cuts.len())];
                let end = cuts[rng.below(cuts.len())].max(start);
                let piece = rng.pick(PIECES);
                // Replace a stretch, insert (empty stretch) or delete (empty piece).
                let piece = if rng.below(4) == 0 { "" } else { piece };
                lines[at] = format!("{}{piece}{}", &line[..start], &line[end..]);
            }
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_blueprints_never_panic() {
    let mut corpus = files("fixtures/golden/blueprints", "toml");
    corpus.extend(files("fixtures/bad", "toml"));
    let sources: Vec<String> = corpus
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let seed = std::env::var("STOREGEN_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026_u64);
    let count: usize = std::env::var("STOREGEN_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    eprintln!(
        "mutation test: seed {seed}, {count} mutants (STOREGEN_MUTATION_SEED, STOREGEN_MUTATIONS)"
    );
    let mut rng = Rng(seed | 1);
    let (mut generated, mut refused) = (0, 0);
    for i in 0..count {
        let source = &sources[rng.below(sources.len())];
        let mutant = mutate(&mut rng, source);
        match std::panic::catch_unwind(|| generate_in_memory("m.toml", &mutant, None)) {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(BuildError::Blueprint(report))) => {
                assert!(report.has_errors(), "mutant {i}: a report without errors");
                // Rendering must not panic either (every 16th: it is the slow part).
                if i % 16 == 0 {
                    let _ = report.render();
                }
                refused += 1;
            }
            Ok(Err(other)) => panic!("mutant {i} (seed {seed}): unexpected error {other}"),
            Err(_) => panic!("mutant {i} (seed {seed}) panicked on:\n{mutant}"),
        }
    }
    eprintln!("mutation test: {generated} generated code, {refused} refused with diagnostics");
    // The mutants reach code generation too, not only the parser.
    assert!(
        generated > count / 100,
        "only {generated} of {count} mutants were valid"
    );
}
