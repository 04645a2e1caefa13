#!/usr/bin/env bash
# Clean-build times of the quickstart against a diesel baseline, as in the README's
# "Clean builds" table: each build in an empty target directory, one after another.
# Downloads diesel from crates.io. Takes about 15 minutes on two cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git -C "$root" archive HEAD | (mkdir -p "$work/ws" && tar -x -C "$work/ws")
# The build side with `codegen` alone: what a crate validating against a snapshot needs.
cp -r "$work/ws" "$work/ws-codegen-only"
sed -i 's/^storegen = { path = "..\/..", features = \["codegen", "sqlite", "postgres", "mysql"\] }$/storegen = { path = "..\/..", features = ["codegen"] }/' \
    "$work/ws-codegen-only/examples/quickstart/Cargo.toml"
# (The [dev-dependencies] line reads the same and changes too; `cargo build` builds no
# dev-dependencies.)

mkdir -p "$work/diesel/src"
cat > "$work/diesel/Cargo.toml" <<'TOML'
[package]
name = "diesel-baseline"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
diesel = { version = "2", features = ["sqlite", "postgres"] }
libsqlite3-sys = { version = "*", features = ["bundled"] }

[workspace]
TOML
cat > "$work/diesel/src/main.rs" <<'RUST'
use diesel::prelude::*;

diesel::table! {
    customers (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
    }
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = customers)]
struct Customer {
    id: i64,
    email: String,
    name: String,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let rows: Vec<Customer> = customers::table.select(Customer::as_select()).load(&mut conn).unwrap_or_default();
    println!("{rows:?}");
    if let Ok(url) = std::env::var("PG") {
        let mut pg = PgConnection::establish(&url).unwrap();
        let n: i64 = customers::table.count().get_result(&mut pg).unwrap_or(0);
        println!("{n}");
    }
}
RUST
(cd "$work/diesel" && cargo fetch -q)

time_build() { # label, dir, cargo args...
    local label=$1 dir=$2; shift 2
    local target="$work/target"
    rm -rf "$target"
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build -q "$@")
    end=$(date +%s.%N)
    printf '| %s | %.1f s |\n' "$label" "$(echo "$end - $start" | bc)"
}

echo "| build | wall time |"
echo "|---|---|"
time_build "quickstart, release" "$work/ws" --release -p quickstart
time_build "quickstart, debug" "$work/ws" -p quickstart
time_build "quickstart, build side codegen only, release" "$work/ws-codegen-only" --release -p quickstart
time_build "quickstart, build side codegen only, debug" "$work/ws-codegen-only" -p quickstart
time_build "diesel (SQLite bundled, PostgreSQL), release" "$work/diesel" --release
time_build "diesel (SQLite bundled, PostgreSQL), debug" "$work/diesel"
