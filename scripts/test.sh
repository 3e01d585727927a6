#!/usr/bin/env bash
# Runs every check proofmill's CI runs (README.md: "Set-up"): formatting,
# lints, and all the tests, in a release build so the Lean Kernel Arena's
# performance cases are fast. Works on a fresh Debian machine and
# non-interactively (CI=true, no standard input).
#
# Needs only Rust (cargo, with rustfmt and clippy), from the machine's
# rustup toolchain; there is nothing else to install.
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

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== cargo test --release --workspace"
cargo test --locked --release --workspace
