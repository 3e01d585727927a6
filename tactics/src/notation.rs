//! The notation table: which tokens are operators, with which precedence,
//! for which function. It changes as a file is read (`infixl:65 " + " => f`
//! affects every later command), so the parser consults it at run time, and
//! the printer uses it to turn applications back into operators.
//!
//! Besides operators, the table holds general (mixfix) notations, Lean's
//! `notation:50 a:51 " ≈ " b:51 => Equiv a b`: a *leading* one starts with a
//! token (`"‖" x "‖"`), a *trailing* one with a variable (`a " ≈ " b`), and
//! it is found by its first token. A token replaces an earlier notation with
//! the same first token in the same position (leading: prefix operators and
//! leading notations; trailing: infix and postfix operators and trailing
//! notations).

use crate::syntax::{CommandKind, NotationItem, NotationKind};
use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

/// The precedence of function application and atoms (Lean's `max`).
pub const MAX_PREC: u32 = 1024;
/// The precedence of `→` (right associative).
pub const ARROW_PREC: u32 = 25;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notation {
    pub kind: NotationKind,
    pub prec: u32,
    /// The operator token, without surrounding spaces (`+`).
    pub token: String,
    /// The full name of the function it stands for.
    pub target: String,
}

impl Notation {
    /// For binary operators: the minimum precedence of the left and right operands.
    pub fn operand_precs(&self) -> (u32, u32) {
        match self.kind {
            NotationKind::Infixl => (self.prec, self.prec + 1),
            NotationKind::Infixr => (self.prec + 1, self.prec),
            NotationKind::Infix => (self.prec + 1, self.prec + 1),
            NotationKind::Prefix | NotationKind::Postfix => (self.prec, self.prec),
        }
    }
    /// How many operands it takes.
    pub fn arity(&self) -> usize {
        match self.kind {
            NotationKind::Prefix | NotationKind::Postfix => 1,
            _ => 2,
        }
    }
    /// The precedence a term printed with it has as an operand.
    pub fn prec_as_operand(&self) -> u32 {
        match self.kind {
            NotationKind::Prefix => self.prec.min(MAX_PREC - 1),
            _ => self.prec,
        }
    }
    /// Whether a term printed with it, unparenthesized, takes in an
    /// operator of precedence `r` that follows it.
    pub fn absorbs(&self, r: u32) -> bool {
        match self.kind {
            NotationKind::Postfix => false,
            NotationKind::Prefix => r >= self.prec,
            _ => r >= self.operand_precs().1,
        }
    }
}

/// One item of a general notation, precedences resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MixfixItem {
    /// `token` as the lexer reads it (trimmed), `text` as it is printed.
    Token { token: String, text: String },
    /// A variable and the minimum precedence of the term it stands for.
    Var(u32),
}

/// A general notation: `notation:prec items => target args`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mixfix {
    pub prec: u32,
    pub items: Vec<MixfixItem>,
    /// The full name of the function it stands for.
    pub target: String,
    /// `args[i]`: which variable (counted from the left) is the target's `i`th argument.
    pub args: Vec<usize>,
}

impl Mixfix {
    /// The notation a `notation` command declares (its target as written;
    /// the driver resolves it). Unmarked precedences are Lean's defaults:
    /// `max` for the notation, 0 for a variable.
    pub fn from_command(c: &CommandKind) -> Option<Mixfix> {
        let CommandKind::Mixfix {
            prec,
            items,
            target,
            args,
            ..
        } = c
        else {
            return None;
        };
        let items = items
            .iter()
            .map(|i| match i {
                NotationItem::Token { text, .. } => MixfixItem::Token {
                    token: text.trim().to_string(),
                    text: text.clone(),
                },
                NotationItem::Var { prec, .. } => MixfixItem::Var(prec.unwrap_or(0)),
            })
            .collect();
        Some(Mixfix {
            prec: prec.unwrap_or(MAX_PREC),
            items,
            target: target.clone(),
            args: args.clone(),
        })
    }

    /// The token that finds this notation: the first item, or the second
    /// when the notation starts with a variable.
    pub fn key(&self) -> &str {
        self.items
            .iter()
            .find_map(|i| match i {
                MixfixItem::Token { token, .. } => Some(token.as_str()),
                MixfixItem::Var(_) => None,
            })
            .unwrap_or("")
    }
    /// Whether the notation starts with a token (otherwise with a variable).
    pub fn is_leading(&self) -> bool {
        matches!(self.items.first(), Some(MixfixItem::Token { .. }))
    }
    /// The precedence of the last variable, when the notation ends with one
    /// (it then takes in every operator of at least that precedence).
    pub fn right_open(&self) -> Option<u32> {
        match self.items.last() {
            Some(MixfixItem::Var(q)) => Some(*q),
            _ => None,
        }
    }
    /// The precedence of the first variable of a trailing notation.
    pub fn left_prec(&self) -> Option<u32> {
        match self.items.first() {
            Some(MixfixItem::Var(q)) => Some(*q),
            _ => None,
        }
    }
    pub fn arity(&self) -> usize {
        self.args.len()
    }
}

/// Operators by token (for parsing) and by target (for printing).
///
/// Cheap to clone (the theory driver's parser takes its own copy; one that
/// reads a single term or tactic borrows it): the tables are shared until
/// one copy changes them, and the operator tokens indexed for the lexer are
/// computed once per version of the tables.
#[derive(Clone, Debug, Default)]
pub struct NotationTable {
    tables: Arc<Tables>,
    operators: Arc<OnceLock<Operators>>,
}

/// The notation tables proper (read through [`NotationTable`]).
#[derive(Clone, Debug, Default)]
pub struct Tables {
    infix: FxHashMap<String, Notation>,
    prefix: FxHashMap<String, Notation>,
    postfix: FxHashMap<String, Notation>,
    by_target: FxHashMap<String, Notation>,
    leading: FxHashMap<String, Mixfix>,
    trailing: FxHashMap<String, Mixfix>,
    mixfix_by_target: FxHashMap<String, Mixfix>,
}

impl NotationTable {
    pub fn new() -> NotationTable {
        NotationTable::default()
    }

    /// Adds a notation; a later notation for the same token replaces the earlier one.
    pub fn add(&mut self, n: Notation) {
        self.operators = Arc::default();
        Arc::make_mut(&mut self.tables).add(n);
    }

    /// Adds a general notation; it replaces the operators and notations
    /// found by the same token in the same position.
    pub fn add_mixfix(&mut self, m: Mixfix) {
        self.operators = Arc::default();
        Arc::make_mut(&mut self.tables).add_mixfix(m);
    }

    /// The operator tokens and the language's symbols, indexed for the lexer.
    pub fn operators(&self) -> &Operators {
        self.operators.get_or_init(|| Operators::new(&self.tables))
    }
}

impl std::ops::Deref for NotationTable {
    type Target = Tables;
    fn deref(&self) -> &Tables {
        &self.tables
    }
}

/// Operator tokens and the language's own symbols (`parse::SYMBOLS`) by
/// their first character, longest first: what the lexer matches at every
/// token. ASCII first characters index an array, others a small map. Each
/// symbol comes with what it stands for ([`SymInfo`]), so that the parser
/// looks a symbol token up once, when the lexer reads it.
#[derive(Clone, Debug)]
pub struct Operators {
    ascii: Vec<Vec<SymId>>,
    other: FxHashMap<char, Vec<SymId>>,
    syms: Vec<(Box<str>, SymInfo)>,
}

/// A symbol of an [`Operators`] index.
pub type SymId = u32;

/// What a symbol token stands for: the answers of [`Tables::infix`],
/// [`Tables::prefix`], [`Tables::postfix`], [`Tables::leading`] and
/// [`Tables::trailing`] for it.
#[derive(Clone, Debug, Default)]
pub struct SymInfo {
    pub infix: Option<Notation>,
    pub prefix: Option<Notation>,
    pub postfix: Option<Notation>,
    pub leading: Option<Mixfix>,
    pub trailing: Option<Mixfix>,
    /// Whether `leading` can be an argument ([`Tables::is_argument`]).
    pub leading_is_argument: bool,
}

impl SymInfo {
    /// A symbol of the language that is no operator.
    pub const NONE: SymInfo = SymInfo {
        infix: None,
        prefix: None,
        postfix: None,
        leading: None,
        trailing: None,
        leading_is_argument: false,
    };
}

impl Default for Operators {
    fn default() -> Operators {
        Operators::new(&Tables::default())
    }
}

impl Operators {
    fn new(tables: &Tables) -> Operators {
        let mut ascii: Vec<Vec<SymId>> = vec![Vec::new(); 128];
        let mut other: FxHashMap<char, Vec<SymId>> = FxHashMap::default();
        let mut syms: Vec<(Box<str>, SymInfo)> = Vec::new();
        for t in tables.tokens().chain(crate::parse::SYMBOLS.iter().copied()) {
            let Some(c) = t.chars().next() else { continue };
            let v = if c.is_ascii() {
                &mut ascii[c as usize]
            } else {
                other.entry(c).or_default()
            };
            if !v.iter().any(|&i| &*syms[i as usize].0 == t) {
                v.push(syms.len() as SymId);
                syms.push((t.into(), tables.sym_info(t)));
            }
        }
        for v in ascii.iter_mut().chain(other.values_mut()) {
            v.sort_by_key(|&i| std::cmp::Reverse(syms[i as usize].0.len()));
        }
        Operators { ascii, other, syms }
    }

    /// The length of the longest operator token or symbol `rest` starts with.
    pub fn longest_prefix_of(&self, rest: &str) -> Option<usize> {
        self.longest_match(rest).map(|(n, _)| n)
    }

    /// The longest operator token or symbol `rest` starts with: its length
    /// and which it is.
    #[inline]
    pub fn longest_match(&self, rest: &str) -> Option<(usize, SymId)> {
        let b = *rest.as_bytes().first()?;
        let candidates = if b.is_ascii() {
            &self.ascii[b as usize]
        } else {
            self.other.get(&rest.chars().next()?)?
        };
        // Tokens are a few bytes long: compared byte by byte, not by memcmp.
        let rest = rest.as_bytes();
        candidates.iter().find_map(|&i| {
            let t = self.syms[i as usize].0.as_bytes();
            let hit = rest.len() >= t.len() && t.iter().zip(rest).all(|(a, b)| a == b);
            hit.then_some((t.len(), i))
        })
    }

    /// What symbol `id` stands for.
    pub fn info(&self, id: SymId) -> Option<&SymInfo> {
        self.syms.get(id as usize).map(|(_, i)| i)
    }
}

impl Tables {
    /// Adds a notation; a later notation for the same token replaces the earlier one.
    fn add(&mut self, n: Notation) {
        let map = match n.kind {
            NotationKind::Prefix => &mut self.prefix,
            NotationKind::Postfix => &mut self.postfix,
            _ => &mut self.infix,
        };
        if let Some(old) = map.insert(n.token.clone(), n.clone()) {
            if self.by_target.get(&old.target) == Some(&old) {
                self.by_target.remove(&old.target);
            }
        }
        let general = match n.kind {
            NotationKind::Prefix => &mut self.leading,
            _ => &mut self.trailing,
        };
        if let Some(old) = general.remove(&n.token) {
            self.forget_mixfix_target(&old);
        }
        self.mixfix_by_target.remove(&n.target);
        self.by_target.insert(n.target.clone(), n);
    }

    fn forget_mixfix_target(&mut self, old: &Mixfix) {
        if self.mixfix_by_target.get(&old.target) == Some(old) {
            self.mixfix_by_target.remove(&old.target);
        }
    }

    fn add_mixfix(&mut self, m: Mixfix) {
        let key = m.key().to_string();
        let olds: Vec<Notation> = if m.is_leading() {
            self.prefix.remove(&key).into_iter().collect()
        } else {
            [self.infix.remove(&key), self.postfix.remove(&key)]
                .into_iter()
                .flatten()
                .collect()
        };
        for old in olds {
            if self.by_target.get(&old.target) == Some(&old) {
                self.by_target.remove(&old.target);
            }
        }
        let map = if m.is_leading() {
            &mut self.leading
        } else {
            &mut self.trailing
        };
        if let Some(old) = map.insert(key, m.clone()) {
            self.forget_mixfix_target(&old);
        }
        self.by_target.remove(&m.target);
        self.mixfix_by_target.insert(m.target.clone(), m);
    }

    /// What `tok` stands for, in every position.
    fn sym_info(&self, tok: &str) -> SymInfo {
        let leading = self.leading.get(tok).cloned();
        SymInfo {
            infix: self.infix.get(tok).cloned(),
            prefix: self.prefix.get(tok).cloned(),
            postfix: self.postfix.get(tok).cloned(),
            leading_is_argument: leading.as_ref().is_some_and(|m| self.is_argument(m)),
            leading,
            trailing: self.trailing.get(tok).cloned(),
        }
    }

    /// The general notation that starts with `tok`.
    pub fn leading(&self, tok: &str) -> Option<&Mixfix> {
        self.leading.get(tok)
    }
    /// The general notation whose first variable is followed by `tok`.
    pub fn trailing(&self, tok: &str) -> Option<&Mixfix> {
        self.trailing.get(tok)
    }
    /// The general notation a function is printed with, if any.
    pub fn mixfix_for_target(&self, target: &str) -> Option<&Mixfix> {
        self.mixfix_by_target.get(target)
    }

    /// Whether a leading notation can be an argument of an application
    /// (`f ⌊x⌋`): it has precedence `max`, ends with a token, and its first
    /// token has no other role (it closes no notation and is no infix or
    /// postfix operator), so that an application never swallows a token that
    /// closes an enclosing notation (`‖x‖` is not an argument: `f (‖x‖)`).
    pub fn is_argument(&self, m: &Mixfix) -> bool {
        if !m.is_leading() || m.prec < MAX_PREC || m.right_open().is_some() {
            return false;
        }
        let key = m.key();
        if self.infix.contains_key(key) || self.postfix.contains_key(key) {
            return false;
        }
        !self
            .leading
            .values()
            .chain(self.trailing.values())
            .any(|n| {
                n.items
                    .iter()
                    .skip(1)
                    .any(|i| matches!(i, MixfixItem::Token { token, .. } if token == key))
            })
    }

    pub fn infix(&self, tok: &str) -> Option<&Notation> {
        self.infix.get(tok)
    }
    pub fn prefix(&self, tok: &str) -> Option<&Notation> {
        self.prefix.get(tok)
    }
    pub fn postfix(&self, tok: &str) -> Option<&Notation> {
        self.postfix.get(tok)
    }
    /// The notation a function is printed with, if any.
    pub fn for_target(&self, target: &str) -> Option<&Notation> {
        self.by_target.get(target)
    }
    /// Every operator token (the lexer matches the longest).
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.infix
            .keys()
            .chain(self.prefix.keys())
            .chain(self.postfix.keys())
            .map(String::as_str)
            .chain(
                self.leading
                    .values()
                    .chain(self.trailing.values())
                    .flat_map(|m| m.items.iter())
                    .filter_map(|i| match i {
                        MixfixItem::Token { token, .. } => Some(token.as_str()),
                        MixfixItem::Var(_) => None,
                    }),
            )
    }
}
