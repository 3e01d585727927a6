//! Standard output that may be closed: `proofmill stats DIR | head` closes
//! the pipe early, and the program then ends quietly with its usual exit
//! status instead of panicking (what `println!` does on a broken pipe).

use std::io::Write;

/// Writes one line to standard output; a closed pipe is ignored (so is every
/// later line), another write error is reported once on standard error.
pub fn line(args: std::fmt::Arguments<'_>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {e}");
        }
    }
}
