//! The `storegen` command (feature `cli`): `check`, `prepare`, `diff --sql`, `ddl`.
//! `storegen --help` says how.

#[cfg(feature = "cli")]
fn main() {
    storegen::build::cli::main()
}

#[cfg(not(feature = "cli"))]
fn main() {
    eprintln!(
        "storegen was built without its `cli` feature: cargo install storegen --features cli"
    );
    std::process::exit(1);
}
