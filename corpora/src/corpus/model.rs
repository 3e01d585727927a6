//! Finite counter-models: why a non-theorem is not a consequence of its
//! theory's rules.
//!
//! A [`CounterModel`] is a finite structure: a carrier `0..size`, a table
//! for every function symbol (a constant's value, a unary symbol's `size`
//! entries, a binary symbol's `size × size`; a `Nat` literal `k` is the
//! constant named `"k"`, implication between propositions the binary symbol
//! `→`), and an assignment of the statement's variables. It refutes
//! `∀ xs, lhs = rhs` (or `↔`) when
//! 1. every `@[rule]` of the theory, read as a first-order equation
//!    ([`first_order_rules`], the axioms the TPTP and SMT-LIB exports give
//!    a prover), holds in the structure for **every** assignment of its
//!    variables, and
//! 2. the statement's two sides evaluate to different elements under the
//!    recorded assignment.
//!
//! Then the structure is a model of the rules in which the statement fails,
//! so no prover may derive it from them. The check knows nothing of which
//! theory it is: the generator finds candidate structures however it likes
//! and keeps one only after [`CounterModel::check_rules`] passes, the very
//! function `verify` runs on the recorded model. Everything is read from
//! untrusted input, so sizes are bounded ([`MAX_CARRIER`],
//! [`MAX_RULE_VARS`]) and every table's shape and values are checked before
//! anything is evaluated.

use super::first_order::FoTerm;
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore};
use proofmill_tactics::syntax::{Arg, Term as Syn, TermKind};
use proofmill_tactics::theory::Theory;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The largest carrier a counter-model may have.
pub const MAX_CARRIER: u32 = 8;
/// The most variables a rule may have for a model to be checked against it
/// (every assignment is tried: at most `8^4` per rule).
pub const MAX_RULE_VARS: usize = 4;
/// The pseudo-symbol of implication between propositions (as the exports
/// name it).
pub const IMPLIES: &str = "→";

/// A symbol's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Table {
    /// A constant's value.
    Const(u32),
    /// `f(a)` is entry `a`.
    Unary(Vec<u32>),
    /// `f(a, b)` is entry `[a][b]`.
    Binary(Vec<Vec<u32>>),
}

impl Table {
    pub fn arity(&self) -> usize {
        match self {
            Table::Const(_) => 0,
            Table::Unary(_) => 1,
            Table::Binary(_) => 2,
        }
    }
}

/// A finite structure and an assignment of a statement's variables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterModel {
    /// What the structure is, in words (`integers mod 3`): for the reader
    /// only, never trusted.
    pub name: String,
    /// The carrier is `0..size`.
    pub size: u32,
    /// A table for every symbol the rules and the statement use, by full
    /// name (`R.add`, `Not`, `→`, `0` for the literal).
    pub functions: BTreeMap<String, Table>,
    /// The statement's variables, by name.
    pub assignment: BTreeMap<String, u32>,
}

/// A `@[rule]` as a first-order equation `∀ x₀ … xₙ₋₁, lhs = rhs` (`↔`
/// between propositions is `=` too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoRule {
    pub name: String,
    pub nvars: usize,
    pub lhs: FoTerm,
    pub rhs: FoTerm,
}

/// Why a counter-model does not show what it claims.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    #[error("rule {rule} is not a first-order equation ({msg}), so no finite model can be checked against it")]
    RuleNotFirstOrder { rule: String, msg: String },
    #[error("the carrier has {size} elements (1 to {MAX_CARRIER} are checked)")]
    CarrierSize { size: u32 },
    #[error("rule {rule} has {vars} variables (at most {MAX_RULE_VARS} are checked)")]
    TooManyRuleVars { rule: String, vars: usize },
    #[error("no table for {symbol}")]
    MissingTable { symbol: String },
    #[error("a table for {symbol}, which neither the rules nor the statement use")]
    UnusedTable { symbol: String },
    #[error("{symbol}: {msg}")]
    TableShape { symbol: String, msg: String },
    #[error("{symbol} is applied to {found} arguments here and {expected} elsewhere")]
    ArityClash {
        symbol: String,
        found: usize,
        expected: usize,
    },
    #[error("rule {rule} fails at ({}): {lhs} ≠ {rhs}", at.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))]
    RuleFails {
        rule: String,
        at: Vec<u32>,
        lhs: u32,
        rhs: u32,
    },
    #[error("the assignment {msg}")]
    Assignment { msg: String },
    #[error(
        "both sides are {value} under the assignment: the model does not refute the statement"
    )]
    SidesAgree { value: u32 },
}

/// The theory's `@[rule]`s as first-order equations, in declaration order;
/// a rule that is not one is an error (a model cannot be checked against
/// it).
pub fn first_order_rules(theory: &Theory) -> Result<Vec<FoRule>, ModelError> {
    let store = theory.env().arena();
    theory
        .rules()
        .iter()
        .map(|r| {
            let rule = r.name.to_string();
            let bad = |msg: &str| ModelError::RuleNotFirstOrder {
                rule: rule.clone(),
                msg: msg.to_string(),
            };
            let mut e = r.statement;
            let mut nvars = 0u32;
            while let ExprKind::Pi(_, bi, _, body) = store.kind(e).clone() {
                if bi == BinderInfo::InstImplicit {
                    return Err(bad("an instance argument"));
                }
                nvars += 1;
                e = body;
            }
            let (head, args) = store.app_args(e);
            let (l, rr) = match store.kind(head) {
                ExprKind::Const(n, _) if n.to_string() == "Eq" && args.len() == 3 => {
                    (args[1], args[2])
                }
                ExprKind::Const(n, _) if n.to_string() == "Iff" && args.len() == 2 => {
                    (args[0], args[1])
                }
                _ => return Err(bad("not an equation or an equivalence")),
            };
            Ok(FoRule {
                nvars: nvars as usize,
                lhs: expr_term(store, l, nvars, 0).map_err(|m| bad(&m))?,
                rhs: expr_term(store, rr, nvars, 0).map_err(|m| bad(&m))?,
                name: rule,
            })
        })
        .collect()
}

/// A kernel expression under `nvars` rule binders and `depth` binders of
/// implications, as a first-order term (`p → q` is `→ p q`).
fn expr_term(store: &impl ExprStore, e: ExprId, nvars: u32, depth: u32) -> Result<FoTerm, String> {
    let (head, args) = store.app_args(e);
    match store.kind(head).clone() {
        ExprKind::BVar(i) if args.is_empty() => {
            if i < depth || i - depth >= nvars {
                return Err("a bound variable that is not the rule's".into());
            }
            Ok(FoTerm::Var(nvars - 1 - (i - depth)))
        }
        ExprKind::NatLit(n) if args.is_empty() => u32::try_from(&*n)
            .map(FoTerm::Lit)
            .map_err(|_| "a literal too large".to_string()),
        ExprKind::Const(n, _) => Ok(FoTerm::App(
            n.to_string(),
            args.iter()
                .map(|&a| expr_term(store, a, nvars, depth))
                .collect::<Result<_, _>>()?,
        )),
        ExprKind::Pi(_, BinderInfo::Default, dom, body) if args.is_empty() => {
            let a = expr_term(store, dom, nvars, depth)?;
            // A dependent arrow mentions its own binder, which is no rule variable.
            let b = expr_term(store, body, nvars, depth + 1)?;
            Ok(FoTerm::App(IMPLIES.into(), vec![a, b]))
        }
        _ => Err("not a first-order term".into()),
    }
}

/// A surface term over the variables `vars` as a first-order term; unlike
/// [`FoTerm::from_syntax`], an implication `p → q` is the symbol `→`.
pub fn syntax_term(t: &Syn, vars: &[&str]) -> Result<FoTerm, String> {
    match &t.kind {
        TermKind::Arrow(a, b) => Ok(FoTerm::App(
            IMPLIES.into(),
            vec![syntax_term(a, vars)?, syntax_term(b, vars)?],
        )),
        TermKind::App(f, args) => {
            let TermKind::Ident(name) = &f.kind else {
                return Err("an application whose head is not a symbol".into());
            };
            if vars.contains(&name.as_str()) {
                return Err(format!("the variable {name} is applied"));
            }
            let xs = args
                .iter()
                .map(|a| match a {
                    Arg::Pos(x) => syntax_term(x, vars),
                    Arg::Named(n, _) => Err(format!("a named argument ({n} := …)")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(FoTerm::App(name.clone(), xs))
        }
        _ => FoTerm::from_syntax(t, vars),
    }
}

/// A term whose symbols are indices into a [`Compiled`] model's tables.
enum Node {
    Var(usize),
    Sym(usize, Vec<Node>),
}

/// A model's tables, checked and indexed, and the arity each symbol is used at.
struct Compiled<'m> {
    n: u32,
    names: Vec<&'m str>,
    tables: Vec<&'m Table>,
    used: Vec<bool>,
}

/// The table name of a first-order term's head.
fn head_name(t: &FoTerm) -> Option<(String, usize)> {
    match t {
        FoTerm::Var(_) => None,
        FoTerm::Lit(k) => Some((k.to_string(), 0)),
        FoTerm::App(f, xs) => Some((f.clone(), xs.len())),
    }
}

impl<'m> Compiled<'m> {
    fn new(m: &'m CounterModel) -> Result<Compiled<'m>, ModelError> {
        if m.size == 0 || m.size > MAX_CARRIER {
            return Err(ModelError::CarrierSize { size: m.size });
        }
        let n = m.size;
        let mut names = Vec::new();
        let mut tables = Vec::new();
        for (name, t) in &m.functions {
            let shape = |msg: String| ModelError::TableShape {
                symbol: name.clone(),
                msg,
            };
            let values: Vec<u32> = match t {
                Table::Const(v) => vec![*v],
                Table::Unary(row) => {
                    if row.len() != n as usize {
                        return Err(shape(format!("{} entries, expected {n}", row.len())));
                    }
                    row.clone()
                }
                Table::Binary(rows) => {
                    if rows.len() != n as usize || rows.iter().any(|r| r.len() != n as usize) {
                        return Err(shape(format!("not a {n} × {n} table")));
                    }
                    rows.concat()
                }
            };
            if let Some(v) = values.iter().find(|&&v| v >= n) {
                return Err(shape(format!(
                    "the value {v} is not an element (0 to {})",
                    n - 1
                )));
            }
            names.push(name.as_str());
            tables.push(t);
        }
        let used = vec![false; names.len()];
        Ok(Compiled {
            n,
            names,
            tables,
            used,
        })
    }

    /// `t` with its symbols resolved; `nvars` variables.
    fn compile(&mut self, t: &FoTerm, nvars: usize) -> Result<Node, ModelError> {
        if let FoTerm::Var(v) = t {
            if (*v as usize) >= nvars {
                return Err(ModelError::Assignment {
                    msg: format!("has no value for variable {v}"),
                });
            }
            return Ok(Node::Var(*v as usize));
        }
        let (name, arity) = head_name(t).expect("not a variable");
        let i = self
            .names
            .binary_search(&name.as_str())
            .map_err(|_| ModelError::MissingTable {
                symbol: name.clone(),
            })?;
        let expected = self.tables[i].arity();
        if expected != arity {
            return Err(ModelError::ArityClash {
                symbol: name,
                found: arity,
                expected,
            });
        }
        self.used[i] = true;
        let args = match t {
            FoTerm::App(_, xs) => xs
                .iter()
                .map(|x| self.compile(x, nvars))
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        Ok(Node::Sym(i, args))
    }

    fn eval(&self, t: &Node, env: &[u32]) -> u32 {
        match t {
            Node::Var(v) => env[*v],
            Node::Sym(f, xs) => match (self.tables[*f], &xs[..]) {
                (Table::Const(c), []) => *c,
                (Table::Unary(row), [a]) => row[self.eval(a, env) as usize],
                (Table::Binary(rows), [a, b]) => {
                    rows[self.eval(a, env) as usize][self.eval(b, env) as usize]
                }
                _ => unreachable!("arities are checked when compiling"),
            },
        }
    }

    /// Every assignment of `nvars` variables, in order, until `f` says stop.
    fn each_assignment(&self, nvars: usize, mut f: impl FnMut(&[u32]) -> bool) {
        let mut env = vec![0u32; nvars];
        loop {
            if !f(&env) {
                return;
            }
            let mut k = 0;
            loop {
                if k == nvars {
                    return;
                }
                env[k] += 1;
                if env[k] < self.n {
                    break;
                }
                env[k] = 0;
                k += 1;
            }
        }
    }
}

impl CounterModel {
    /// Checks that every rule holds in the structure for every assignment
    /// of its variables, and that the tables are exactly those the rules
    /// and `statement` (the statement's two sides) use.
    pub fn check_rules(&self, rules: &[FoRule], statement: &[&FoTerm]) -> Result<(), ModelError> {
        let mut c = Compiled::new(self)?;
        let mut compiled = Vec::with_capacity(rules.len());
        for r in rules {
            if r.nvars > MAX_RULE_VARS {
                return Err(ModelError::TooManyRuleVars {
                    rule: r.name.clone(),
                    vars: r.nvars,
                });
            }
            compiled.push((c.compile(&r.lhs, r.nvars)?, c.compile(&r.rhs, r.nvars)?));
        }
        for t in statement {
            // Variables are the statement's; only the symbols matter here.
            c.compile(t, usize::MAX)?;
        }
        if let Some(i) = c.used.iter().position(|u| !u) {
            return Err(ModelError::UnusedTable {
                symbol: c.names[i].to_string(),
            });
        }
        for (r, (l, rr)) in rules.iter().zip(&compiled) {
            let mut failed = None;
            c.each_assignment(r.nvars, |env| {
                let (a, b) = (c.eval(l, env), c.eval(rr, env));
                if a != b {
                    failed = Some((env.to_vec(), a, b));
                }
                failed.is_none()
            });
            if let Some((at, lhs, rhs)) = failed {
                return Err(ModelError::RuleFails {
                    rule: r.name.clone(),
                    at,
                    lhs,
                    rhs,
                });
            }
        }
        Ok(())
    }

    /// Checks that the statement `lhs = rhs` over the variables `vars` (in
    /// order) fails under the recorded assignment: both sides evaluated,
    /// and different. The rules are [`CounterModel::check_rules`]'s.
    pub fn check_refutes(
        &self,
        vars: &[&str],
        lhs: &FoTerm,
        rhs: &FoTerm,
    ) -> Result<(u32, u32), ModelError> {
        let mut names: Vec<&str> = self.assignment.keys().map(String::as_str).collect();
        let mut want = vars.to_vec();
        names.sort_unstable();
        want.sort_unstable();
        if names != want {
            return Err(ModelError::Assignment {
                msg: format!(
                    "gives values to ({}), the statement's variables are ({})",
                    names.join(", "),
                    vars.join(", ")
                ),
            });
        }
        let mut env = Vec::with_capacity(vars.len());
        for v in vars {
            let x = self.assignment[*v];
            if x >= self.size {
                return Err(ModelError::Assignment {
                    msg: format!("gives {v} the value {x}, not an element"),
                });
            }
            env.push(x);
        }
        let mut c = Compiled::new(self)?;
        let (l, r) = (c.compile(lhs, vars.len())?, c.compile(rhs, vars.len())?);
        let (a, b) = (c.eval(&l, &env), c.eval(&r, &env));
        if a == b {
            return Err(ModelError::SidesAgree { value: a });
        }
        Ok((a, b))
    }

    /// Both checks: the structure is a model of `rules` and the statement
    /// fails in it.
    pub fn refutes(
        &self,
        rules: &[FoRule],
        vars: &[&str],
        lhs: &FoTerm,
        rhs: &FoTerm,
    ) -> Result<(), ModelError> {
        self.check_rules(rules, &[lhs, rhs])?;
        self.check_refutes(vars, lhs, rhs).map(|_| ())
    }
}

/// The symbols (by table name) and arities the rules use, sorted by name;
/// an error when one symbol is used at two arities or has more than two
/// arguments.
pub fn rule_symbols(rules: &[FoRule]) -> Result<Vec<(String, usize)>, ModelError> {
    let mut out: HashMap<String, usize> = HashMap::new();
    fn go(t: &FoTerm, out: &mut HashMap<String, usize>) -> Result<(), ModelError> {
        let Some((name, arity)) = head_name(t) else {
            return Ok(());
        };
        if arity > 2 {
            return Err(ModelError::TableShape {
                symbol: name,
                msg: format!("{arity} arguments (tables have at most 2)"),
            });
        }
        match out.get(&name) {
            Some(&a) if a != arity => {
                return Err(ModelError::ArityClash {
                    symbol: name,
                    found: arity,
                    expected: a,
                })
            }
            _ => {
                out.insert(name, arity);
            }
        }
        if let FoTerm::App(_, xs) = t {
            for x in xs {
                go(x, out)?;
            }
        }
        Ok(())
    }
    for r in rules {
        go(&r.lhs, &mut out)?;
        go(&r.rhs, &mut out)?;
    }
    let mut v: Vec<(String, usize)> = out.into_iter().collect();
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(n: u32) -> CounterModel {
        let add = (0..n)
            .map(|a| (0..n).map(|b| (a + b) % n).collect())
            .collect();
        let mul = (0..n)
            .map(|a| (0..n).map(|b| (a * b) % n).collect())
            .collect();
        let neg = (0..n).map(|a| (n - a) % n).collect();
        let functions = [
            ("R.add", Table::Binary(add)),
            ("R.mul", Table::Binary(mul)),
            ("R.neg", Table::Unary(neg)),
            ("R.zero", Table::Const(0)),
            ("R.one", Table::Const(1 % n)),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect();
        CounterModel {
            name: format!("integers mod {n}"),
            size: n,
            functions,
            assignment: BTreeMap::new(),
        }
    }

    #[test]
    fn integers_mod_n_are_a_model_of_ring_and_tampering_is_caught() {
        let rules = first_order_rules(&Theory::shipped("ring").unwrap()).unwrap();
        assert_eq!(rules.len(), 13);
        for n in 1..=MAX_CARRIER {
            z(n).check_rules(&rules, &[]).unwrap();
        }
        let mut m = z(3);
        if let Some(Table::Binary(rows)) = m.functions.get_mut("R.mul") {
            rows[2][1] = 0;
        }
        assert!(matches!(
            m.check_rules(&rules, &[]),
            Err(ModelError::RuleFails { .. })
        ));
        let mut m = z(3);
        m.functions.remove("R.neg");
        assert!(matches!(
            m.check_rules(&rules, &[]),
            Err(ModelError::MissingTable { .. })
        ));
        let mut m = z(3);
        m.functions
            .insert("R.neg".into(), Table::Unary(vec![0, 2, 3]));
        assert!(matches!(
            m.check_rules(&rules, &[]),
            Err(ModelError::TableShape { .. })
        ));
        let mut m = z(9);
        m.size = 9;
        assert!(matches!(
            m.check_rules(&rules, &[]),
            Err(ModelError::CarrierSize { size: 9 })
        ));
    }

    #[test]
    fn a_statement_is_refuted_only_when_its_sides_differ() {
        let rules = first_order_rules(&Theory::shipped("ring").unwrap()).unwrap();
        // a + a = a is false mod 3 at a = 1, true at a = 0.
        let a = FoTerm::Var(0);
        let lhs = FoTerm::App("R.add".into(), vec![a.clone(), a.clone()]);
        let mut m = z(3);
        m.assignment.insert("a".into(), 1);
        m.refutes(&rules, &["a"], &lhs, &a).unwrap();
        m.assignment.insert("a".into(), 0);
        assert!(matches!(
            m.refutes(&rules, &["a"], &lhs, &a),
            Err(ModelError::SidesAgree { value: 0 })
        ));
        m.assignment.insert("b".into(), 0);
        assert!(matches!(
            m.refutes(&rules, &["a"], &lhs, &a),
            Err(ModelError::Assignment { .. })
        ));
    }

    #[test]
    fn logic_rules_include_implication() {
        let rules = first_order_rules(&Theory::shipped("logic").unwrap()).unwrap();
        let syms = rule_symbols(&rules).unwrap();
        assert!(syms.contains(&(IMPLIES.to_string(), 2)), "{syms:?}");
        assert!(syms.contains(&("Not".to_string(), 1)), "{syms:?}");
    }

    #[test]
    fn tables_read_back_from_json() {
        let m = z(2);
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains(r#""R.add":[[0,1],[1,0]]"#), "{text}");
        assert!(text.contains(r#""R.zero":0"#), "{text}");
        let back: CounterModel = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
    }
}
