//! Stack discipline: the kernel recurses on term structure, so deep input
//! needs a deep stack. Checks run on a thread with [`KERNEL_STACK_BYTES`] of
//! stack (reserved, touched only as used), and every recursion is bounded by
//! [`MAX_DEPTH`]; input nested deeper is declined with `KernelError::TooDeep`.
//! `Env::add` moves itself onto such a thread when the caller is not on one;
//! long-running callers (the CLI, generator workers) wrap their work in
//! [`with_kernel_stack`] once so that no thread is spawned per declaration.

use std::cell::Cell;

/// Stack reserved for a kernel thread.
pub const KERNEL_STACK_BYTES: usize = 4 << 30;

/// The deepest nesting of terms, and of checker recursion, that is accepted.
pub const MAX_DEPTH: u32 = 1_000_000;

/// The most inference, reduction and conversion steps spent on one
/// declaration; beyond it the declaration is declined
/// (`KernelError::LimitExceeded`), so no input makes the kernel run without
/// bound (e.g. `Nat.rec` unfolded on a literal of a billion).
pub const MAX_STEPS: u64 = 200_000_000;

thread_local! {
    static ON_KERNEL_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread was started by [`with_kernel_stack`].
pub fn on_kernel_stack() -> bool {
    ON_KERNEL_STACK.with(Cell::get)
}

/// Runs `f` on a thread with a kernel-sized stack (or directly, when already on one).
pub fn with_kernel_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if on_kernel_stack() {
        return f();
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("proofmill-kernel".into())
            .stack_size(KERNEL_STACK_BYTES)
            .spawn_scoped(scope, || {
                ON_KERNEL_STACK.with(|c| c.set(true));
                f()
            })
            .expect("cannot spawn a kernel thread");
        match handle.join() {
            Ok(r) => r,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}
