#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets: theory, ndjson, jsonl, bincode,
# verify) for N minutes each, one after the other, on one core
# (-jobs=1), starting from seeds made from the shipped theories, the Lean
# arena exports and a small generated corpus. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). Findings go to
# fuzz/artifacts/TARGET/; the growing corpora stay in fuzz/corpus/TARGET/.
#
#   scripts/fuzz.sh 5            # 5 minutes per target
#   scripts/fuzz.sh 2 verify     # 2 minutes, one target
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:?usage: scripts/fuzz.sh MINUTES [TARGET...]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(theory ndjson jsonl bincode verify)
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "error: needs nightly Rust and cargo-fuzz (rustup toolchain install nightly; cargo install cargo-fuzz)" >&2
    exit 2
fi

# Seeds.
seed() { mkdir -p "fuzz/corpus/$1"; }
seed theory; cp theories/*.theory fuzz/corpus/theory/
seed ndjson
mapfile -t exports < <(find tests/data/lean-arena -name '*.ndjson' -size -64k | sort)
for f in "${exports[@]:0:40}"; do
    cp "$f" "fuzz/corpus/ndjson/${f//\//_}"
done
if [ ! -e fuzz/corpus/jsonl/seed.jsonl ]; then
    cargo build --release --quiet
    tmp=$(mktemp -d)
    target/release/proofmill generate --theory calculus --count 4 --steps 2..3 \
        --format jsonl,bin --out "$tmp/c" >/dev/null
    seed jsonl; seed bincode; seed verify
    cp "$tmp/c/shard-00000.jsonl" fuzz/corpus/jsonl/seed.jsonl
    cp "$tmp/c/shard-00000.bin" fuzz/corpus/bincode/seed.bin
    target/release/proofmill generate --theory ring --count 3 --steps 2..3 \
        --out "$tmp/r" >/dev/null
    cp "$tmp/r/shard-00000.jsonl" fuzz/corpus/verify/seed.jsonl
    rm -rf "$tmp"
fi

cd fuzz
failed=()
for t in "${targets[@]}"; do
    echo "== fuzz $t for $minutes min"
    # A finding ends this target's run (saved in artifacts/$t/), not the others'.
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time=$((minutes * 60)) -jobs=1 -workers=1 -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 || failed+=("$t")
    # -jobs=1 runs the fuzzer in a worker that logs to fuzz-0.log: keep it per target.
    if [ -f fuzz-0.log ]; then
        mv fuzz-0.log "fuzz-$t.log"
        grep -E "^Done|stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY" "fuzz-$t.log" || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "findings in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
