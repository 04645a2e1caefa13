//! The build never panics on a malformed blueprint: every prefix of every fixture, and
//! every fixture with one line removed, gives code or diagnostics — never a panic.

mod support;

use storegen::BuildError;
use storegen::build::generate_in_memory;
use support::files;

fn check(label: &str, source: &str) {
    match std::panic::catch_unwind(|| generate_in_memory("b.toml", source, None)) {
        Ok(Ok(_)) => {}
        Ok(Err(BuildError::Blueprint(report))) => {
            assert!(
                report.has_errors(),
                "{label}: an error report without errors"
            );
            // Rendering every diagnostic must not panic either.
            let _ = report.render();
        }
        Ok(Err(other)) => panic!("{label}: unexpected error {other}"),
        Err(_) => panic!("{label}: panicked on\n{source}"),
    }
}

#[test]
fn truncated_and_mutilated_blueprints_never_panic() {
    let mut sources = files("fixtures/golden/blueprints", "toml");
    sources.extend(files("fixtures/bad", "toml"));
    for path in sources {
        let source = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        for (end, _) in source.char_indices() {
            check(&format!("{name} cut at {end}"), &source[..end]);
        }
        let lines: Vec<&str> = source.lines().collect();
        for skip in 0..lines.len() {
            let without: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            check(
                &format!("{name} without line {}", skip + 1),
                &without.join("\n"),
            );
        }
    }
}
