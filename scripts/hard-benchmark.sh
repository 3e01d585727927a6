#!/usr/bin/env bash
# Builds the difficulty-calibrated benchmark of the README ("A benchmark
# that provers feel"): per theory, a pool of theorems from walks biased to
# the rules that make problems hard for E (distributivity, then AC
# reordering), every one run by E, z3 and cvc5 at 2 s (the calibration:
# each problem's rating and effort), cut into 4 buckets by measured
# difficulty on E's scale (`--reference eprover`: the problems E solved,
# fastest first, then those it failed, by rating), re-checked by
# `verify`, and the benchmark run again by all three provers (a fresh
# measurement, summed up by bucket). A theory whose OUT/THEORY/ratings.json
# exists keeps its pool and calibration (delete the file to redo them).
#
#   scripts/hard-benchmark.sh OUT [THEORY...]     # default: ring logic group nilgroup
#
# Environment: PROOFMILL (the binary; default target/release/proofmill),
# COUNT (pool size per theory, default 1000), JOBS (provers at once,
# default 2), PROVERS (default eprover,z3,cvc5).
# Writes OUT/THEORY/{pool,ratings.json,calibration,benchmark,bench}/ and
# OUT/THEORY/select.md (the table the calibration measured per bucket).
set -euo pipefail
out="${1:?usage: scripts/hard-benchmark.sh OUT [THEORY...]}"
shift
theories=("$@")
[ ${#theories[@]} -gt 0 ] || theories=(ring logic group nilgroup)
pm="${PROOFMILL:-$(dirname "$0")/../target/release/proofmill}"
count="${COUNT:-1000}"
jobs="${JOBS:-2}"
provers="${PROVERS:-eprover,z3,cvc5}"

for t in "${theories[@]}"; do
    case "$t" in
    # The bucket shares, easiest first, put the hardest bucket inside what
    # E failed in the calibration (ring: 24 % of the pool, logic: 12 %).
    ring)
        opts=(--steps 16..30 --max-size 96
            --favor mul_add=32,add_mul=32,add_comm=8,mul_comm=8,add_assoc=8,mul_assoc=8)
        shares=50,20,15,15 ;;
    logic)
        opts=(--steps 12..20 --max-size 64
            --favor and_or_left=32,or_and_left=32,and_comm=8,or_comm=8)
        shares=60,20,10,10 ;;
    group)
        # E solves every group identity (README): the buckets order z3's
        # and cvc5's misses and E's times only.
        opts=(--steps 16..30 --max-size 96 --favor mul_inv_rev=16,mul_assoc=8)
        shares=55,25,10,10 ;;
    nilgroup)
        # Group theory that E feels: commutators of class 2 expand
        # bilinearly and, central, reorder freely.
        opts=(--steps 12..20 --max-size 64
            --favor comm_mul_left=32,comm_mul_right=32,comm_central=8,mul_assoc=8,comm_def=4)
        # E failed 42 % of the pool: the hardest bucket is the 30 % it
        # failed by rating, the third straddles what it barely solved.
        shares=40,15,15,30 ;;
    *)
        echo "error: no recipe for theory $t (ring, logic, group, nilgroup)" >&2
        exit 2 ;;
    esac
    d="$out/$t"
    mkdir -p "$d"
    if [ ! -f "$d/ratings.json" ]; then
        echo "== $t: pool of $count" >&2
        "$pm" generate --theory "$t" --count "$count" --seed 16 "${opts[@]}" --out "$d/pool" --overwrite
        nice -n 10 "$pm" bench-provers "$d/pool" --prover "$provers" --timeout 2 --jobs "$jobs" \
            --calibrate "$d/ratings.json.tmp" --out "$d/calibration" --force
        mv "$d/ratings.json.tmp" "$d/ratings.json"
    fi
    cut=(--rating-from "$d/ratings.json" --buckets "$shares" --reference eprover)
    rm -rf "$d/benchmark"
    "$pm" select "$d/pool" "${cut[@]}" --out "$d/benchmark" --plot "$d/calibrated" | tee "$d/select.md"
    "$pm" verify "$d/benchmark"
    nice -n 10 "$pm" bench-provers "$d/benchmark" --prover "$provers" --timeout 2 --jobs "$jobs" \
        "${cut[@]}" --out "$d/bench" --force
done
