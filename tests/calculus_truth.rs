//! The calculus theory's axioms, and every statement generated from it,
//! are true of real functions: both sides are evaluated at random points
//! (`deriv` by central finite differences), on the domain where both are
//! defined, and must agree.
//!
//! The statements are read from a generated corpus as printed (a small
//! parser here, independent of the theory language's), so what is checked
//! is what a user reads. A rule's variables stand for random functions
//! built from the elementary ones.

use proofmill_generator::term::Term;
use proofmill_generator::Generator;
use std::process::Command;

/// A real function, as a tree.
#[derive(Clone, Debug, PartialEq)]
enum E {
    Id,
    Sin,
    Cos,
    Exp,
    Log,
    Const(f64),
    Add(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    Comp(Box<E>, Box<E>),
    Neg(Box<E>),
    Inv(Box<E>),
    Deriv(Box<E>),
    /// A rule's variable.
    Var(usize),
}

const H: f64 = 1e-5;

fn eval(e: &E, x: f64, env: &[E]) -> f64 {
    eval_h(e, x, env, H)
}

/// `e` at `x`, derivatives by central differences of step `h`.
fn eval_h(e: &E, x: f64, env: &[E], h: f64) -> f64 {
    // Outside the domain (a pole, log of a negative) the value is NaN, and
    // so is everything built on it.
    if !x.is_finite() {
        return f64::NAN;
    }
    let v = match e {
        E::Id => x,
        E::Sin => x.sin(),
        E::Cos => x.cos(),
        E::Exp => x.exp(),
        E::Log => {
            if x > 0.0 {
                x.ln()
            } else {
                f64::NAN
            }
        }
        E::Const(c) => *c,
        E::Add(a, b) => eval_h(a, x, env, h) + eval_h(b, x, env, h),
        E::Mul(a, b) => eval_h(a, x, env, h) * eval_h(b, x, env, h),
        // The outer function with the same step, so that halving the step
        // (the smoothness check in `agree`) reaches a derivative under `∘`.
        E::Comp(a, b) => eval_h(a, eval_h(b, x, env, h), env, h),
        E::Neg(a) => -eval_h(a, x, env, h),
        E::Inv(a) => 1.0 / eval_h(a, x, env, h),
        // A derivative inside a derivative is taken with a coarser step,
        // so that rounding errors do not pile up.
        E::Deriv(a) => {
            (eval_h(a, x + h, env, h * 20.0) - eval_h(a, x - h, env, h * 20.0)) / (2.0 * h)
        }
        E::Var(i) => eval_h(&env[*i], x, env, h),
    };
    if v.is_finite() {
        v
    } else {
        f64::NAN
    }
}

/// Whether `l` and `r` agree at `x` (`None`: a side is undefined or too
/// large there for finite differences to mean anything).
fn agree(l: &E, r: &E, x: f64, env: &[E]) -> Option<bool> {
    // Nested derivatives are less accurate: the tolerance grows with nesting.
    let tol = 1e-4 * 50f64.powi(deriv_depth(l, env).max(deriv_depth(r, env)).max(1) as i32 - 1);
    let (a, b) = (eval(l, x, env), eval(r, x, env));
    // Near a pole or a branch point finite differences are meaningless:
    // check that the sides are smooth there (defined a little around x).
    for dx in [-3.0 * H, 3.0 * H] {
        if !eval(l, x + dx, env).is_finite() || !eval(r, x + dx, env).is_finite() {
            return None;
        }
    }
    if !a.is_finite() || !b.is_finite() || a.abs() > 1e3 || b.abs() > 1e3 {
        return None;
    }
    // Where halving the step moves a side, the function turns too fast at
    // this scale for finite differences (`sin ∘ sin⁻¹` near 0): not a point
    // to judge at.
    let smooth =
        |e: &E, v: f64| (eval_h(e, x, env, H / 2.0) - v).abs() <= tol / 100.0 * (1.0 + v.abs());
    if !smooth(l, a) || !smooth(r, b) {
        return None;
    }
    Some((a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())))
}

/// How deeply `deriv`s nest in `e`.
fn deriv_depth(e: &E, env: &[E]) -> usize {
    match e {
        E::Deriv(a) => 1 + deriv_depth(a, env),
        E::Add(a, b) | E::Mul(a, b) | E::Comp(a, b) => deriv_depth(a, env).max(deriv_depth(b, env)),
        E::Neg(a) | E::Inv(a) => deriv_depth(a, env),
        E::Var(i) => deriv_depth(&env[*i], env),
        _ => 0,
    }
}

/// A tiny deterministic generator of points.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Checks `l = r` at 24 points of (-3, 3); the number of points where both
/// sides were defined, or the first point where they differ.
fn check(l: &E, r: &E, env: &[E], seed: u64) -> Result<usize, f64> {
    let mut rng = Lcg(seed);
    let mut n = 0;
    for _ in 0..24 {
        let x = -3.0 + 6.0 * rng.next();
        match agree(l, r, x, env) {
            Some(true) => n += 1,
            Some(false) => return Err(x),
            None => {}
        }
    }
    Ok(n)
}

// ---- the printed form of calculus terms -------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(u32),
    Sym(char),
}

fn lex(s: &str) -> Vec<Tok> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let mut n = 0u32;
            while i < cs.len() && cs[i].is_ascii_digit() {
                n = n * 10 + cs[i].to_digit(10).unwrap();
                i += 1;
            }
            out.push(Tok::Num(n));
        } else if c.is_alphabetic() && c != '∘' {
            let st = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '.' || cs[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(cs[st..i].iter().collect()));
        } else if c == '⁻' && cs.get(i + 1) == Some(&'¹') {
            out.push(Tok::Sym('⁻'));
            i += 2;
        } else {
            out.push(Tok::Sym(c));
            i += 1;
        }
    }
    out
}

struct P {
    toks: Vec<Tok>,
    i: usize,
    /// Names bound to variables (a question's `y`).
    vars: Vec<String>,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }
    fn expr(&mut self, min: u32) -> E {
        let mut l = if self.peek() == Some(&Tok::Sym('-')) {
            self.i += 1;
            E::Neg(Box::new(self.expr(75)))
        } else {
            self.app()
        };
        loop {
            let (prec, right) = match self.peek() {
                Some(Tok::Sym('+')) => (65, false),
                Some(Tok::Sym('*')) => (70, false),
                Some(Tok::Sym('∘')) => (90, true),
                _ => break,
            };
            if prec < min {
                break;
            }
            let op = self.peek().cloned();
            self.i += 1;
            let r = self.expr(if right { prec } else { prec + 1 });
            l = match op {
                Some(Tok::Sym('+')) => E::Add(Box::new(l), Box::new(r)),
                Some(Tok::Sym('*')) => E::Mul(Box::new(l), Box::new(r)),
                _ => E::Comp(Box::new(l), Box::new(r)),
            };
        }
        l
    }
    fn app(&mut self) -> E {
        match self.peek().cloned() {
            Some(Tok::Ident(f)) if f == "F.const" => {
                self.i += 1;
                // A numeral, or a variable of type Nat (a constant of the environment).
                if let Some(Tok::Num(n)) = self.peek().cloned() {
                    self.i += 1;
                    return self.postfix(E::Const(f64::from(n)));
                }
                self.atom()
            }
            Some(Tok::Ident(f)) if f == "F.deriv" => {
                self.i += 1;
                E::Deriv(Box::new(self.atom()))
            }
            _ => self.atom(),
        }
    }
    fn atom(&mut self) -> E {
        let t = self.peek().cloned();
        self.i += 1;
        let e = match t {
            Some(Tok::Sym('(')) => {
                let e = self.expr(0);
                assert_eq!(self.peek(), Some(&Tok::Sym(')')), "a closing parenthesis");
                self.i += 1;
                e
            }
            Some(Tok::Ident(f)) => match f.as_str() {
                "F.id" => E::Id,
                "F.sin" => E::Sin,
                "F.cos" => E::Cos,
                "F.exp" => E::Exp,
                "F.log" => E::Log,
                v => E::Var(
                    self.vars
                        .iter()
                        .position(|x| x == v)
                        .unwrap_or_else(|| panic!("unknown name {v}")),
                ),
            },
            other => panic!("unexpected {other:?}"),
        };
        self.postfix(e)
    }
    fn postfix(&mut self, mut e: E) -> E {
        while self.peek() == Some(&Tok::Sym('⁻')) {
            self.i += 1;
            e = E::Inv(Box::new(e));
        }
        e
    }
}

fn parse(s: &str, vars: &[&str]) -> E {
    let mut p = P {
        toks: lex(s),
        i: 0,
        vars: vars.iter().map(|v| v.to_string()).collect(),
    };
    let e = p.expr(0);
    assert_eq!(p.i, p.toks.len(), "trailing tokens in {s}");
    e
}

/// `l = r` (the statement has no variables).
fn parse_eq(s: &str, vars: &[&str]) -> (E, E) {
    let (l, r) = s.split_once(" = ").expect("an equation");
    (parse(l, vars), parse(r, vars))
}

// ---- the rules ---------------------------------------------------------

fn from_term(g: &Generator, t: &Term, var: &dyn Fn(u32) -> E) -> E {
    match t {
        Term::Var(v) => var(*v),
        Term::Lit(n) => E::Const(f64::from(*n)),
        Term::App(f, xs) => {
            let name = g.rs.sig.syms[*f as usize].name.to_string();
            let a = |i: usize| Box::new(from_term(g, &xs[i], var));
            match name.as_str() {
                "F.id" => E::Id,
                "F.sin" => E::Sin,
                "F.cos" => E::Cos,
                "F.exp" => E::Exp,
                "F.log" => E::Log,
                "F.add" => E::Add(a(0), a(1)),
                "F.mul" => E::Mul(a(0), a(1)),
                "F.comp" => E::Comp(a(0), a(1)),
                "F.neg" => E::Neg(a(0)),
                "F.inv" => E::Inv(a(0)),
                "F.deriv" => E::Deriv(a(0)),
                // `const n` at a literal; at a variable n, a natural number.
                "F.const" => match &xs[0] {
                    Term::Lit(n) => E::Const(f64::from(*n)),
                    _ => a(0).as_ref().clone(),
                },
                other => panic!("unknown symbol {other}"),
            }
        }
    }
}

/// Functions the rules' variables stand for.
fn samples() -> Vec<E> {
    let b = Box::new;
    vec![
        E::Sin,
        E::Exp,
        E::Add(b(E::Id), b(E::Cos)),
        E::Mul(b(E::Id), b(E::Sin)),
        E::Comp(b(E::Exp), b(E::Sin)),
        E::Inv(b(E::Add(b(E::Const(2.0)), b(E::Cos)))),
        E::Comp(b(E::Log), b(E::Add(b(E::Const(3.0)), b(E::Sin)))),
    ]
}

#[test]
fn every_calculus_rule_holds_of_real_functions() {
    let g = Generator::load("calculus").unwrap();
    let fs = samples();
    let mut checked = 0;
    let names: Vec<String> = g.rs.rules.iter().map(|r| r.name.to_string()).collect();
    // The constant folds and `mul_inv` are among them.
    for n in ["const_add_1_1", "const_add_2_3", "const_mul_5_5", "mul_inv"] {
        assert!(names.iter().any(|x| x == n), "no rule {n}");
    }
    for r in &g.rs.rules {
        for k in 0..6u64 {
            // Function variables get sample functions, Nat variables 0…3.
            let pick = |v: u32| {
                let (_, sort) = &r.vars[v as usize];
                if g.rs.sig.sorts[*sort as usize].is_nat {
                    E::Const(((k + u64::from(v)) % 4) as f64)
                } else {
                    fs[((k * 3 + u64::from(v) * 5) % fs.len() as u64) as usize].clone()
                }
            };
            let l = from_term(&g, &r.lhs, &pick);
            let rr = from_term(&g, &r.rhs, &pick);
            match check(&l, &rr, &[], k + 1) {
                Ok(n) => {
                    assert!(n >= 6, "{}: defined at {n} points only", r.name);
                    checked += 1;
                }
                Err(x) => panic!("{} is false at x = {x}: {l:?} vs {rr:?}", r.name),
            }
        }
    }
    assert!(checked >= 6 * 60, "{checked}");
}

#[test]
fn a_false_law_is_caught() {
    // f * g = f + g, and deriv sin = sin: both false, both caught.
    let (s, e) = (E::Sin, E::Exp);
    let l = E::Mul(Box::new(s.clone()), Box::new(e.clone()));
    let r = E::Add(Box::new(s.clone()), Box::new(e));
    assert!(check(&l, &r, &[], 1).is_err());
    assert!(check(&E::Deriv(Box::new(E::Sin)), &E::Sin, &[], 2).is_err());
    let (l, r) = parse_eq("F.deriv (F.sin ∘ F.exp) = F.cos ∘ F.exp", &[]);
    assert!(check(&l, &r, &[], 3).is_err());
    let (l, r) = parse_eq("F.deriv (F.sin ∘ F.exp) = F.cos ∘ F.exp * F.exp", &[]);
    assert!(check(&l, &r, &[], 3).is_ok());
}

#[test]
fn the_printed_form_parses_with_lean_precedences() {
    assert_eq!(
        parse("-F.id⁻¹ * F.sin + F.cos ∘ F.exp ∘ F.id", &[]),
        E::Add(
            Box::new(E::Mul(
                Box::new(E::Neg(Box::new(E::Inv(Box::new(E::Id))))),
                Box::new(E::Sin)
            )),
            Box::new(E::Comp(
                Box::new(E::Cos),
                Box::new(E::Comp(Box::new(E::Exp), Box::new(E::Id)))
            ))
        )
    );
    assert_eq!(
        parse("F.const 2 * y", &["y"]),
        E::Mul(Box::new(E::Const(2.0)), Box::new(E::Var(0)))
    );
}

/// Generates a corpus and checks every statement, and every problem's
/// question at its answer; the number of statements and of separable
/// equations `deriv y = ±(g * (y * y))` among them.
fn check_corpus(dir: &std::path::Path, args: &[&str]) -> (usize, usize) {
    let _ = std::fs::remove_dir_all(dir);
    let out = Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(["generate", "--theory", "calculus", "--out"])
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut n = 0;
    let mut untested = 0;
    let mut squares = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&p).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let st = v["statement"].as_str().unwrap();
            // Variables: functions stand for those of type F, 0…3 for Nat.
            let vars: Vec<(String, String)> = v["vars"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    (
                        x["name"].as_str().unwrap().into(),
                        x["type"].as_str().unwrap().into(),
                    )
                })
                .collect();
            let body = match st.split_once(", ") {
                Some((_, b)) if st.starts_with('∀') => b,
                _ => st,
            };
            let names: Vec<&str> = vars.iter().map(|(x, _)| x.as_str()).collect();
            let fs = samples();
            let env: Vec<E> = vars
                .iter()
                .enumerate()
                .map(|(i, (_, ty))| {
                    if ty == "Nat" {
                        E::Const(((n + i) % 4) as f64)
                    } else {
                        fs[(n + 3 * i) % fs.len()].clone()
                    }
                })
                .collect();
            let (l, r) = parse_eq(body, &names);
            match check(&l, &r, &env, n as u64) {
                Ok(0) => untested += 1,
                Ok(_) => {}
                Err(x) => panic!("{}: `{st}` is false at x = {x}", v["id"]),
            }
            // A differential equation holds at its answer.
            let q = v["problem"]["question"].as_str().unwrap_or("");
            if let Some(eq) = q.strip_prefix("find y such that ") {
                squares += usize::from(eq.ends_with("* (y * y))"));
                let y = parse(v["problem"]["answer"].as_str().unwrap(), &[]);
                let (l, r) = parse_eq(eq, &["y"]);
                match check(&l, &r, &[y], n as u64) {
                    Ok(_) => {}
                    Err(x) => panic!("{}: y = answer does not solve `{eq}` at x = {x}", v["id"]),
                }
            }
            n += 1;
        }
    }
    // A statement defined nowhere in (-3, 3) is not tested: rare.
    assert!(
        untested * 50 <= n,
        "{untested} of {n} statements defined nowhere tested"
    );
    (n, squares)
}

#[test]
fn every_generated_calculus_statement_holds() {
    let tmp = std::env::temp_dir().join(format!("pm-truth-{}", std::process::id()));
    let (n, _) = check_corpus(
        &tmp.join("a"),
        &["--hard-steps", "1", "--count", "3000", "--seed", "5"],
    );
    assert_eq!(n, 3000);
    let (n, squares) = check_corpus(
        &tmp.join("b"),
        &[
            "--count",
            "2000",
            "--seed",
            "6",
            "--problems",
            "antiderivative=1,derivative=1,ode_linear=1,ode_separable=1",
        ],
    );
    assert_eq!(n, 2000);
    assert!(
        squares >= 20,
        "{squares} equations deriv y = ±(g * (y * y))"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
