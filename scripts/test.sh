#!/usr/bin/env bash
# Runs every check proofmill's CI runs (README.md: "Set-up"): formatting,
# lints, and all the tests, in an optimised build (Cargo.toml's `ci` profile:
# release without link-time optimisation) so the Lean Kernel Arena's
# performance cases are fast. Works on a fresh Debian machine and
# non-interactively (CI=true, no standard input).
#
# Needs Rust (cargo, with rustfmt and clippy), from the machine's rustup
# toolchain, and the tools the export tests run: coqc, eprover, z3, cvc5
# (apt), and Python's pytest, pyarrow, datasets, maturin and ray (pip, for
# the export tests and the Python bindings), installed below when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Rust: rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found; install Rust with rustup (https://rustup.rs)" >&2
    exit 1
fi
for component in rustfmt clippy; do
    tool=${component/rustfmt/fmt}
    if ! cargo "$tool" --version >/dev/null 2>&1; then
        echo "installing the $component component"
        rustup component add "$component" </dev/null
    fi
done
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# export tools: the real programs that read what `proofmill export` writes
# (tests/export_*.rs run them). Installed once; skipped when present.
missing=""
for pair in coqc:coq eprover:eprover z3:z3 cvc5:cvc5; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair##*:}"
done
if [ -n "$missing" ]; then
    echo "installing the export tools:$missing"
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "error: need root or sudo to install$missing (apt-get install -y$missing)" >&2
        exit 1
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing </dev/null
fi

# Python for the export tests (tests/export_ml.rs reads the LeanDojo and
# Parquet exports with pytest, pyarrow and Hugging Face datasets) and for
# the Python bindings and their Ray driver (maturin builds `import
# proofmill`, tests/python/test_bindings.py and test_ray.py run on a local
# Ray): a venv under target/py (PEP 668 forbids pip into Debian's own
# Python, and maturin installs into a venv), made once and reused. python3
# and its venv module come from apt when missing.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "error: need root (or sudo) to run: $*" >&2; exit 1
    fi
}
PY_PACKAGES="pytest pyarrow datasets maturin ray"
has_py_packages() { "$1" -c "import pytest, pyarrow, datasets, maturin, ray" >/dev/null 2>&1; }
if ! command -v python3 >/dev/null 2>&1; then
    echo "installing python3"
    as_root apt-get update && as_root apt-get install -y python3 python3-venv </dev/null
fi
PY_VENV="$PWD/target/py"
PROOFMILL_PYTHON="$PY_VENV/bin/python"
if ! has_py_packages "$PROOFMILL_PYTHON"; then
    echo "installing $PY_PACKAGES into target/py"
    if ! python3 -m venv "$PY_VENV" >/dev/null 2>&1; then
        as_root apt-get update && as_root apt-get install -y python3-venv </dev/null
        rm -rf "$PY_VENV"
        python3 -m venv "$PY_VENV"
    fi
    "$PROOFMILL_PYTHON" -m pip install --quiet --disable-pip-version-check $PY_PACKAGES </dev/null
fi
export PROOFMILL_PYTHON

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== cargo test --profile ci --workspace"
cargo test --locked --profile ci --workspace

# The Python bindings: built by maturin from python/ into the venv (the
# ci profile and the target directory the tests above used, so only
# PyO3 and the bindings' own crate are compiled here), then their tests,
# which also run the binary the tests above built.
echo "== maturin develop --profile ci (python/) and pytest tests/python"
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
VIRTUAL_ENV="$PY_VENV" PATH="$PY_VENV/bin:$PATH" \
    maturin develop --locked --profile ci --manifest-path python/Cargo.toml </dev/null
PROOFMILL_BIN="$TARGET_DIR/ci/proofmill" "$PROOFMILL_PYTHON" -m pytest -q -p no:cacheprovider \
    tests/python/test_bindings.py tests/python/test_ray.py </dev/null
