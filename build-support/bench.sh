#!/usr/bin/env bash
# Reproduces every benchmark table in the README: the runtime ratios (generated stores
# against hand-written driver code), the build script's cost, and the compile cost of
# generated code. Needs the test servers (build-support/ensure-databases starts them).
# Writes build-support/bench/RESULTS.md; takes about 15 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-41}"
build-support/ensure-databases
cargo build --release -q -p storegen-bench
bench=target/release/storegen-bench
out=build-support/bench/RESULTS.md
{
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
    echo "$(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'SHOW server_version' | cut -d' ' -f1), $(mariadb -h 127.0.0.1 -u root -N -e 'SELECT VERSION()' | cut -d- -f1,2)."
    echo
    echo "### Run time: generated / hand-written ($rounds rounds, medians)"
    echo
    "$bench" runtime "$rounds"
    echo
    echo "### Build script: generation and validation (5 runs, medians)"
    echo
    "$bench" build-cost
    echo
    echo "### Build script: custom queries (5 runs, medians)"
    echo
    "$bench" query-cost
    echo
    echo "### Pool checkout: with and without the health test"
    echo
    "$bench" pool-checkout
} | tee "$out"
