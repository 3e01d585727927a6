//! The provers a benchmark runs, each a subprocess: how each is called,
//! how it is bounded (its own time limit, a hard kill at the wall-clock
//! deadline, `ulimit -v` for memory) and how its answer is read (SZS status
//! for TPTP provers, `unsat`/`sat`/`unknown` for SMT solvers, the exit code
//! for `proofmill prove`). Whatever cannot be read as a verdict is an
//! error, never a silent failure.

use super::problems::Problem;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a prover is given.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The problem's TPTP file (`{tptp}`).
    Tptp,
    /// The problem's SMT-LIB file (`{smt2}`).
    Smt2,
    /// The statement in the theory language (`{statement}`, `{theory}`).
    Statement,
}

/// How to run one prover: a program and its arguments, with placeholders
/// `{tptp}`, `{smt2}`, `{statement}`, `{theory}`, `{timeout}` (seconds)
/// and `{timeout_ms}` filled in per problem.
#[derive(Clone, Debug)]
pub struct ProverSpec {
    pub name: String,
    pub program: String,
    pub args: Vec<String>,
    pub input: Input,
    /// Address space it reserves without using (MiB), added to the memory
    /// bound: `proofmill prove` reserves its kernel's deep stack.
    pub reserve_mb: u64,
}

/// The built-in provers, by name: `eprover`, `z3`, `cvc5`, and `proofmill`
/// (this binary's `prove`, on the corpus's theory `theory`).
pub fn builtin(name: &str, theory: &str) -> Option<ProverSpec> {
    let spec = |program: &str, args: &[&str], input| ProverSpec {
        name: name.to_string(),
        program: program.to_string(),
        args: args.iter().map(|s| s.to_string()).collect(),
        input,
        reserve_mb: 0,
    };
    match name {
        "eprover" => Some(spec(
            "eprover",
            &["--auto", "--cpu-limit={timeout}", "-s", "{tptp}"],
            Input::Tptp,
        )),
        "z3" => Some(spec("z3", &["-T:{timeout}", "{smt2}"], Input::Smt2)),
        "cvc5" => Some(spec(
            "cvc5",
            &["--tlimit={timeout_ms}", "{smt2}"],
            Input::Smt2,
        )),
        "proofmill" => {
            let exe = std::env::current_exe().ok()?;
            Some(ProverSpec {
                name: name.to_string(),
                program: exe.to_string_lossy().into_owned(),
                args: [
                    "prove",
                    "--theory",
                    theory,
                    "--timeout",
                    "{timeout}",
                    "--",
                    "{statement}",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
                input: Input::Statement,
                reserve_mb: (proofmill_kernel::KERNEL_STACK_BYTES >> 20) as u64 + 1024,
            })
        }
        _ => None,
    }
}

/// `NAME=COMMAND`: a prover of the user's, its command split at spaces,
/// with `{tptp}`, `{smt2}` or `{statement}` saying what it reads.
pub fn custom(text: &str) -> Result<ProverSpec, String> {
    let (name, command) = text
        .split_once('=')
        .ok_or_else(|| format!("--prover {text}: expected NAME or NAME=COMMAND"))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "--prover {text}: the name must be letters, digits, - _ ."
        ));
    }
    let words: Vec<String> = command.split_whitespace().map(String::from).collect();
    let Some((program, args)) = words.split_first() else {
        return Err(format!("--prover {text}: no command"));
    };
    let uses = |p: &str| args.iter().any(|a| a.contains(p));
    let input = match (uses("{tptp}"), uses("{smt2}"), uses("{statement}")) {
        (true, false, false) => Input::Tptp,
        (false, true, false) => Input::Smt2,
        (false, false, true) => Input::Statement,
        _ => {
            return Err(format!(
                "--prover {text}: the command must take exactly one of {{tptp}}, {{smt2}} or {{statement}}"
            ))
        }
    };
    Ok(ProverSpec {
        name: name.to_string(),
        program: program.clone(),
        args: args.to_vec(),
        input,
        reserve_mb: 0,
    })
}

/// Whether `program` can be run: a path to a file, or found on `PATH`.
pub fn installed(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// What a prover answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It claims the conjecture follows (SZS Theorem/Unsatisfiable, `unsat`, a proof).
    Proved(String),
    /// It claims the conjecture does not follow (SZS CounterSatisfiable/Satisfiable, `sat`).
    Refuted(String),
    /// It gave up within its limits (SZS GaveUp/ResourceOut/Timeout, `unknown`).
    GaveUp(String),
    /// It was killed at the wall-clock deadline.
    Killed,
    /// Its answer could not be read, or it failed to run.
    Error(String),
}

impl Verdict {
    /// The status column: the prover's own word for it.
    pub fn status(&self) -> String {
        match self {
            Verdict::Proved(s) | Verdict::Refuted(s) | Verdict::GaveUp(s) => s.clone(),
            Verdict::Killed => "Killed".into(),
            Verdict::Error(_) => "Error".into(),
        }
    }
}

/// The most of a prover's output read.
const MAX_OUTPUT: u64 = 1 << 20;

/// Runs `spec` on `p`: its own limit `timeout`, killed `GRACE` after it,
/// its address space bounded to `mem_mb`; `scratch` holds its output files.
pub fn run(
    spec: &ProverSpec,
    p: &Problem,
    timeout: Duration,
    mem_mb: u64,
    scratch: &Path,
) -> (Verdict, Duration) {
    let secs = timeout.as_secs_f64();
    let file = match spec.input {
        Input::Tptp => Some(p.tptp.clone()),
        Input::Smt2 => p.smt2.clone(),
        Input::Statement => Some(PathBuf::new()),
    };
    let Some(file) = file else {
        return (
            Verdict::Error("no SMT-LIB file for this problem".into()),
            Duration::ZERO,
        );
    };
    let fill = |a: &str| {
        a.replace("{tptp}", &file.to_string_lossy())
            .replace("{smt2}", &file.to_string_lossy())
            .replace("{statement}", &p.statement)
            .replace("{timeout_ms}", &((secs * 1000.0).ceil() as u64).to_string())
            .replace("{timeout}", &(secs.ceil() as u64).max(1).to_string())
    };
    let out_path = scratch.join("stdout");
    let err_path = scratch.join("stderr");
    let (Ok(out), Ok(err)) = (
        std::fs::File::create(&out_path),
        std::fs::File::create(&err_path),
    ) else {
        return (
            Verdict::Error(format!("cannot write in {}", scratch.display())),
            Duration::ZERO,
        );
    };
    // `ulimit -v` bounds the address space; `exec` makes the prover the
    // process that is killed at the deadline.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v \"$1\" || exit 125; shift; exec \"$@\"")
        .arg("sh")
        .arg(((mem_mb + spec.reserve_mb) * 1024).to_string())
        .arg(&spec.program)
        .args(spec.args.iter().map(|a| fill(a)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return (
                Verdict::Error(format!("cannot run sh: {e}")),
                Duration::ZERO,
            )
        }
    };
    let deadline = start + timeout + GRACE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return (Verdict::Error(format!("waiting: {e}")), start.elapsed()),
        }
    };
    let took = start.elapsed();
    let Some(status) = status else {
        return (Verdict::Killed, took);
    };
    let read = |path: &Path| {
        let mut s = String::new();
        if let Ok(f) = std::fs::File::open(path) {
            let _ = f.take(MAX_OUTPUT).read_to_string(&mut s);
        }
        s
    };
    let (stdout, stderr) = (read(&out_path), read(&err_path));
    if status.code() == Some(125) {
        return (
            Verdict::Error("cannot bound the memory (ulimit -v)".into()),
            took,
        );
    }
    if status.code() == Some(127) {
        return (Verdict::Error(format!("{} not found", spec.program)), took);
    }
    (verdict(spec.input, status.code(), &stdout, &stderr), took)
}

/// How long after its own time limit a prover is killed.
pub const GRACE: Duration = Duration::from_millis(500);

/// Reads a prover's answer from its output and exit code.
pub fn verdict(input: Input, code: Option<i32>, stdout: &str, stderr: &str) -> Verdict {
    if input == Input::Statement {
        // `proofmill prove`: 0 proved, 1 not found (or refused), 2 bad input.
        let first = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string();
        return match code {
            Some(0) => Verdict::Proved("Theorem".into()),
            Some(1) if first.starts_with("no proof found: timeout") => {
                Verdict::GaveUp("Timeout".into())
            }
            Some(1) if first.starts_with("no proof found") => Verdict::GaveUp("GaveUp".into()),
            _ => Verdict::Error(format!("exit {code:?}: {first}")),
        };
    }
    if let Some(status) = stdout
        .lines()
        .find_map(|l| l.split("SZS status ").nth(1))
        .and_then(|s| s.split_whitespace().next())
    {
        return match status {
            "Theorem" | "Unsatisfiable" | "ContradictoryAxioms" => {
                Verdict::Proved(status.to_string())
            }
            "CounterSatisfiable" | "Satisfiable" => Verdict::Refuted(status.to_string()),
            "GaveUp" | "ResourceOut" | "Timeout" | "Unknown" | "Inappropriate" | "MemoryOut" => {
                Verdict::GaveUp(status.to_string())
            }
            other => Verdict::Error(format!("unexpected SZS status {other}")),
        };
    }
    let first = stdout.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some("unsat") => Verdict::Proved("unsat".into()),
        Some("sat") => Verdict::Refuted("sat".into()),
        Some(s @ ("unknown" | "timeout")) => Verdict::GaveUp(s.to_string()),
        Some(other) => Verdict::Error(format!(
            "unexpected output: {}",
            other.chars().take(200).collect::<String>()
        )),
        None => {
            let why = stderr.lines().next().unwrap_or("").trim();
            if why.contains("memory") || why.contains("Memory") {
                Verdict::GaveUp("MemoryOut".into())
            } else if why.contains("timeout") {
                // cvc5 at its --tlimit: `cvc5 interrupted by timeout.`
                Verdict::GaveUp("Timeout".into())
            } else {
                Verdict::Error(format!("exit {code:?}, no answer: {why}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_read_from_szs_smt_and_exit_codes() {
        let v = |i, c, o: &str, e: &str| verdict(i, Some(c), o, e);
        assert_eq!(
            v(Input::Tptp, 0, "# Proof found!\n# SZS status Theorem\n", ""),
            Verdict::Proved("Theorem".into())
        );
        assert_eq!(
            v(Input::Tptp, 1, "# SZS status CounterSatisfiable\n", ""),
            Verdict::Refuted("CounterSatisfiable".into())
        );
        assert_eq!(
            v(Input::Tptp, 1, "# SZS status ResourceOut\n", ""),
            Verdict::GaveUp("ResourceOut".into())
        );
        assert!(matches!(
            v(Input::Tptp, 1, "# SZS status Weird\n", ""),
            Verdict::Error(_)
        ));
        assert_eq!(
            v(Input::Smt2, 0, "unsat\n", ""),
            Verdict::Proved("unsat".into())
        );
        assert_eq!(
            v(Input::Smt2, 0, "sat\n", ""),
            Verdict::Refuted("sat".into())
        );
        assert_eq!(
            v(Input::Smt2, 0, "timeout\n", ""),
            Verdict::GaveUp("timeout".into())
        );
        assert!(matches!(
            v(Input::Smt2, 1, "(error \"x\")\n", ""),
            Verdict::Error(_)
        ));
        assert!(matches!(
            v(Input::Smt2, 139, "", "Segmentation fault"),
            Verdict::Error(_)
        ));
        assert_eq!(
            v(
                Input::Statement,
                1,
                "",
                "no proof found: timeout after 2.0 s\n"
            ),
            Verdict::GaveUp("Timeout".into())
        );
        assert_eq!(
            v(Input::Statement, 0, "intro a\n", ""),
            Verdict::Proved("Theorem".into())
        );
        assert!(matches!(
            v(Input::Statement, 2, "", "error: x"),
            Verdict::Error(_)
        ));
    }

    #[test]
    fn a_custom_prover_names_what_it_reads() {
        let p = custom("vampire=vampire --mode casc -t {timeout} {tptp}").unwrap();
        assert_eq!((p.name.as_str(), p.input), ("vampire", Input::Tptp));
        assert_eq!(p.program, "vampire");
        assert!(custom("x=foo {tptp} {smt2}").is_err());
        assert!(custom("x=foo").is_err());
        assert!(custom("x=").is_err());
        assert!(custom("=foo {tptp}").is_err());
        assert!(custom("noequals").is_err());
    }

    #[test]
    fn a_hanging_prover_is_killed_at_the_deadline() {
        let dir = std::env::temp_dir().join(format!("pm-bench-kill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // `tail -f` never ends on its own.
        let spec = custom("follower=tail -f {tptp}").unwrap();
        let file = dir.join("problem.p");
        std::fs::write(&file, "").unwrap();
        let p = Problem {
            id: "x".into(),
            statement: String::new(),
            expected: super::super::problems::Expected::Theorem,
            difficulty: Default::default(),
            tptp: file,
            smt2: None,
            canonical_hash: String::new(),
            rating_bucket: None,
        };
        let (v, took) = run(&spec, &p, Duration::from_millis(200), 512, &dir);
        assert_eq!(v, Verdict::Killed);
        assert!(took < Duration::from_secs(5), "{took:?}");
        let missing = custom("nope=/nonexistent/prover {tptp}").unwrap();
        let (v, _) = run(&missing, &p, Duration::from_secs(5), 512, &dir);
        assert!(matches!(v, Verdict::Error(_)), "{v:?}");
    }
}
