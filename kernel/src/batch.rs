//! Checking many declarations on several threads.
//!
//! `Env::add_batch` (and `Env::add_batch_with`, which takes the declarations
//! one at a time from a reader) gives the same verdict as adding the
//! declarations one by one with `Env::add`. Inductive types and quotients
//! are checked in order as they come (they generate constants the rest
//! depends on). Axioms, definitions, theorems and opaques get their cheap
//! header checks in order and are entered provisionally; their types and
//! values are then checked by worker threads, each declaration seeing only
//! the constants before it (so no cycle can be checked into existence). If anything fails, every constant of
//! the batch is removed again and the error of the earliest failing
//! declaration is returned; the first failure found stops the other workers.

use crate::declaration::Declaration;
use crate::env::Env;
use crate::error::KernelError;
use crate::expr::Arena;
use crate::stack::{on_kernel_stack, with_kernel_stack, KERNEL_STACK_BYTES};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The first declaration of a batch that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError {
    /// Position in the batch.
    pub index: usize,
    pub error: KernelError,
}

impl Env {
    /// Adds `decls` in order, checking independent declarations on `threads`
    /// threads. Equivalent to calling [`Env::add`] on each; on error nothing of
    /// the batch remains in the environment.
    pub fn add_batch(&mut self, decls: Vec<Declaration>, threads: usize) -> Result<(), BatchError> {
        let mut decls = decls.into_iter();
        if threads <= 1 || on_kernel_stack() {
            self.add_batch_with(threads, |_| decls.next())
        } else {
            with_kernel_stack(|| self.add_batch_with(threads, |_| decls.next()))
        }
    }

    /// [`Env::add_batch`] with the declarations handed over one at a time:
    /// `next` is called for the next declaration (`None`: there is no more)
    /// once everything before it has been entered, and may build that
    /// declaration's terms in the arena it is given. So a reader can go on
    /// reading while the batch's in-order work (header checks, inductive
    /// types, quotients) is done. The checks and the verdict are those of
    /// `add_batch` on the same declarations; on error, `next` is not called
    /// again and nothing of the batch remains in the environment.
    pub fn add_batch_with(
        &mut self,
        threads: usize,
        mut next: impl FnMut(&mut Arena) -> Option<Declaration>,
    ) -> Result<(), BatchError> {
        let keep = self.names().len();
        if threads <= 1 {
            let mut index = 0;
            while let Some(d) = next(self.arena_mut()) {
                if let Err(error) = self.add(d) {
                    self.truncate(keep);
                    return Err(BatchError { index, error });
                }
                index += 1;
            }
            return Ok(());
        }
        // (batch index, environment index, declaration, its level params)
        let mut pending = Vec::new();
        let mut index = 0;
        while let Some(d) = next(self.arena_mut()) {
            let result = match d {
                Declaration::Quot | Declaration::Inductive(_) => self.add(d),
                simple => match self.check_simple_header(&simple) {
                    Ok(info) => {
                        let lps = info.level_params.clone();
                        let env_index = self.names().len() as u32;
                        self.insert(info);
                        pending.push((index, env_index, simple, lps));
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
            };
            if let Err(error) = result {
                // Earlier pending declarations may fail too; report the earliest.
                let earlier = self.check_pending(&pending, threads);
                self.truncate(keep);
                return Err(earlier.unwrap_or(BatchError { index, error }));
            }
            index += 1;
        }
        if let Some(err) = self.check_pending(&pending, threads) {
            self.truncate(keep);
            return Err(err);
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn check_pending(
        &self,
        pending: &[(usize, u32, Declaration, std::sync::Arc<[crate::name::Name]>)],
        threads: usize,
    ) -> Option<BatchError> {
        let next = AtomicUsize::new(0);
        let abort = AtomicBool::new(false);
        let failures: Mutex<Vec<BatchError>> = Mutex::new(Vec::new());
        let workers = threads.min(pending.len()).max(1);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                std::thread::Builder::new()
                    .name("proofmill-check".into())
                    .stack_size(KERNEL_STACK_BYTES)
                    .spawn_scoped(scope, || loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= pending.len() || abort.load(Ordering::Relaxed) {
                            break;
                        }
                        let (index, env_index, decl, lps) = &pending[i];
                        if let Err(error) =
                            self.check_simple_body(decl, lps, *env_index, Some(&abort))
                        {
                            abort.store(true, Ordering::Relaxed);
                            failures
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(BatchError {
                                    index: *index,
                                    error,
                                });
                        }
                    })
                    .expect("cannot spawn a checker thread");
            }
        });
        let failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
        // An "aborted" error is a consequence, not a cause: prefer real ones.
        failures.into_iter().min_by_key(|f| {
            (
                matches!(&f.error, KernelError::LimitExceeded(s) if s.starts_with("aborted")),
                f.index,
            )
        })
    }
}
