//! Shared test support: expected-output files and blessing them.
#![allow(dead_code)]

pub mod databases;

use std::path::{Path, PathBuf};

/// The crate's root directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run of the `storegen` command gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `storegen` command in `dir`, without DATABASE_URL.
pub fn storegen_in(dir: &Path, args: &[&str]) -> Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_storegen"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("running storegen");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Files in `dir` (relative to the root) ending in `.ext`, sorted.
pub fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    found.sort();
    found
}

/// Compares outputs with the files that hold what is expected. With
/// `STOREGEN_BLESS=1` it rewrites the files that differ instead, and then fails once,
/// so nobody blesses by accident.
#[derive(Default)]
pub struct Expectations {
    mismatches: Vec<String>,
    blessed: Vec<String>,
}

impl Expectations {
    pub fn check(&mut self, expected_file: &Path, actual: &str) {
        let expected = std::fs::read_to_string(expected_file).unwrap_or_default();
        if expected == actual {
            return;
        }
        let shown = expected_file
            .strip_prefix(root())
            .unwrap_or(expected_file)
            .display()
            .to_string();
        if std::env::var_os("STOREGEN_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(expected_file, actual).expect("writing the blessed file");
            self.blessed.push(shown);
        } else {
            self.mismatches.push(format!(
                "{shown} differs (run with STOREGEN_BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }

    pub fn finish(self) {
        assert!(
            self.blessed.is_empty(),
            "blessed {} file(s); review them and rerun without STOREGEN_BLESS:\n{}",
            self.blessed.len(),
            self.blessed.join("\n")
        );
        assert!(
            self.mismatches.is_empty(),
            "{}",
            self.mismatches.join("\n\n")
        );
    }
}
