#!/usr/bin/env bash
# The generated code's size and compile cost, this checkout against a baseline revision,
# side by side in one run: for crates of N plain stores (six fields, no index, every
# backend), the bytes of the generated file and the release build of the crate's own
# code (dependencies built, build script run; `touch src/lib.rs` and build again, median
# of 3; at 1,000 stores and more, the one build after the blueprint changed), and the
# build script's own run (generation alone, as the build script times it); below
# 1,000 stores also a crate that calls every store's operations on SQLite, since
# generic and #[inline] code is compiled where it is called.
#
#   build-support/codesize.sh [BASE_REV] [SIZES...]      # default: 381f87e 100 1000
#
# Prints a markdown table; works offline (the workspace's Cargo.lock pins every
# dependency, which both sides share one build of).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base_rev="${1:-381f87e}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100 1000)
work="$root/target/codesize"
mkdir -p "$work"
export CARGO_TARGET_DIR="$work/target"

# The baseline's sources, as committed.
rm -rf "$work/base-src"
mkdir -p "$work/base-src"
git archive "$base_rev" | tar -x -C "$work/base-src"

blueprint() {
    local n=$1 label=$2
    printf '[blueprint]\nname = "big"\ndescription = "%s"\n\n[database]\nbackends = ["sqlite", "postgres", "mysql"]\n' "$label"
    for ((i = 0; i < n; i++)); do
        printf '\n[stores.s%d]\nrecord = "Row%d"\n\n[stores.s%d.fields]\n' "$i" "$i" "$i"
        printf 'id = { type = "int64", primary_key = true, generated = true }\n'
        printf 'name = { type = "text", max_length = 80 }\n'
        printf 'qty = "int32"\n'
        printf 'price = { type = "float64", nullable = true }\n'
        printf 'active = { type = "bool", default = true }\n'
        printf 'parent = { type = "int64", nullable = true }\n'
    done
}

# A downstream crate of `side` (base or current) whose storegen is at `src`; with
# `uses`, a crate that also calls every operation the baseline has (insert, insert_many,
# get, update, list, count, delete) of every store on SQLite, as an application would:
# what the generated code costs where it is used, not only where it is defined.
crate_for() {
    local side=$1 src=$2 uses=${3:-} dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "codesize-$side"
version = "0.0.0"
edition = "2024"

[dependencies]
storegen = { path = "$src", features = ["sqlite", "postgres", "mysql"] }

[build-dependencies]
storegen = { path = "$src", features = ["codegen"] }

[profile.release.build-override]
opt-level = 3

[workspace]
EOF
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    cat >"$dir/build.rs" <<'EOF'
fn main() {
    let started = std::time::Instant::now();
    storegen::Builder::new()
        .blueprint("blueprint.toml")
        .validate(storegen::Validate::Off)
        .generate()
        .unwrap_or_exit();
    let out = std::env::var("OUT_DIR").unwrap();
    let secs = started.elapsed().as_secs_f64();
    std::fs::write(format!("{out}/generate-secs"), secs.to_string()).unwrap();
}
EOF
    echo '#[allow(clippy::all)] pub mod db { include!(concat!(env!("OUT_DIR"), "/big.rs")); }' >"$dir/src/lib.rs"
    [ -n "$uses" ] && echo 'include!("uses.rs");' >>"$dir/src/lib.rs"
    return 0
}

# uses.rs for N stores: one function calling each store's operations on SQLite.
uses_for() {
    local n=$1 file=$2
    {
        echo 'pub fn uses(c: &mut storegen::rusqlite::Connection) -> Result<(), storegen::Error> {'
        for ((i = 0; i < n; i++)); do
            printf '    let r = db::s%d(c).insert(&db::NewRow%d { name: "a".into(), qty: 1, price: None, active: None, parent: None })?;\n' "$i" "$i"
            printf '    db::s%d(c).insert_many(&[])?;\n    db::s%d(c).get(r.id)?;\n    db::s%d(c).update(&r)?;\n' "$i" "$i" "$i"
            printf '    db::s%d(c).list(db::Page::first(10))?;\n    db::s%d(c).count()?;\n    db::s%d(c).delete(r.id)?;\n' "$i" "$i" "$i"
        done
        echo '    Ok(())'
        echo '}'
    } >"$file"
}

crate_for base "$work/base-src"
crate_for current "$root"
crate_for base-uses "$work/base-src" uses
crate_for current-uses "$root" uses

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

measure() {
    local side=$1 n=$2 runs=$3 dir="$work/$1"
    blueprint "$n" "$side $n" >"$dir/blueprint.toml"
    # The build after the blueprint changed: the build script's run (well under a
    # second for 1,000 stores, optimised) and the crate. Timed when it is the only run.
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && cargo build --release --offline --quiet)
    end=$(date +%s.%N)
    local first
    first=$(echo "$end - $start" | bc)
    local out
    out=$(ls -t "$CARGO_TARGET_DIR"/release/build/codesize-"$side"-[0-9a-f]*/out/big.rs | head -1)
    local bytes generate
    bytes=$(wc -c <"$out")
    generate=$(cat "$(dirname "$out")/generate-secs")
    local times=()
    [ "$runs" -eq 0 ] && times+=("$first")
    for ((r = 0; r < runs; r++)); do
        touch "$dir/src/lib.rs"
        start=$(date +%s.%N)
        (cd "$dir" && cargo build --release --offline --quiet)
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    local t
    t=$(printf '%s\n' "${times[@]}" | median)
    echo "$bytes $t $generate"
}

echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores; baseline $base_rev, current $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')."
echo
echo "| stores | generated bytes: base | current | ratio | build script (optimised): base | current | ratio | release build of the crate: base | current | ratio | crate calling every operation on SQLite: base | current | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    runs=3
    # A thousand stores take minutes: the one build after the blueprint change.
    [ "$n" -ge 1000 ] && runs=0
    read -r base_bytes base_time base_gen < <(measure base "$n" "$runs")
    read -r cur_bytes cur_time cur_gen < <(measure current "$n" "$runs")
    uses="| – | – | – |"
    if [ "$n" -lt 1000 ]; then
        uses_for "$n" "$work/base-uses/src/uses.rs"
        uses_for "$n" "$work/current-uses/src/uses.rs"
        read -r _ base_uses _ < <(measure base-uses "$n" "$runs")
        read -r _ cur_uses _ < <(measure current-uses "$n" "$runs")
        uses=$(printf '| %.1f s | %.1f s | %.2f |' "$base_uses" "$cur_uses" "$(echo "$cur_uses / $base_uses" | bc -l)")
    fi
    printf '| %s | %s | %s | %.2f | %.2f s | %.2f s | %.2f | %.1f s | %.1f s | %.2f %s\n' "$n" "$base_bytes" "$cur_bytes" \
        "$(echo "$cur_bytes / $base_bytes" | bc -l)" "$base_gen" "$cur_gen" \
        "$(echo "$cur_gen / $base_gen" | bc -l)" "$base_time" "$cur_time" \
        "$(echo "$cur_time / $base_time" | bc -l)" "$uses"
done
