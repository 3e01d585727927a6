//! Identifiers for the targets' lexical rules: a theory's symbols (`R.add`,
//! `F.inv`, `Nat.add_comm`, `→`) and rule names become TPTP lower words,
//! SMT-LIB simple symbols or Coq identifiers.
//!
//! Each symbol gets a readable form first (`R.add` → `r_add` in TPTP,
//! `R.add` in SMT-LIB, `R_add` in Coq; other characters spelled `uXXXX`);
//! a table then makes the map injective: a readable form that is taken (by
//! an earlier symbol or by a word the target reserves) gets `_1`, `_2`, …
//! appended. The table is filled from the signature once per export, in
//! signature order, so names are the same in every file of an export.
//! Variables are named apart by construction (TPTP `X0`, SMT-LIB `?a`),
//! never through the table, so it does not grow with the corpus.

use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// TPTP functors and formula names: `[a-z][a-zA-Z0-9_]*`.
    Tptp,
    /// SMT-LIB 2.6 simple symbols (letters, digits, `._`, not a reserved word).
    Smt2,
    /// Coq identifiers: `[A-Za-z][A-Za-z0-9_']*`, not a keyword.
    Coq,
}

/// Words a target reserves, or that our output uses with their own meaning.
fn reserved(target: Target) -> &'static [&'static str] {
    match target {
        Target::Tptp => &["fof", "cnf", "tff", "thf", "include"],
        Target::Smt2 => &[
            "par",
            "NUMERAL",
            "DECIMAL",
            "STRING",
            "as",
            "let",
            "exists",
            "forall",
            "match",
            "true",
            "false",
            "not",
            "and",
            "or",
            "xor",
            "ite",
            "distinct",
            "Bool",
            "Int",
            "Real",
            "assert",
            "check-sat",
            "declare-fun",
            "declare-sort",
            "define-fun",
            "set-info",
            "set-logic",
            "set-option",
            "exit",
            "push",
            "pop",
        ],
        Target::Coq => &[
            "Axiom",
            "Parameter",
            "Lemma",
            "Theorem",
            "Proof",
            "Qed",
            "Definition",
            "Require",
            "Import",
            "Set",
            "Prop",
            "Type",
            "SProp",
            "forall",
            "fun",
            "match",
            "with",
            "end",
            "as",
            "in",
            "return",
            "let",
            "if",
            "then",
            "else",
            "fix",
            "cofix",
            "struct",
            "exists",
            "exists2",
            "at",
            "by",
            "using",
            "where",
            "for",
            "IF",
            "Variable",
            "Section",
            "End",
            "Module",
            "nat",
            "S",
            "O",
            "eq",
            "iff",
            "not",
            "and",
            "or",
            "True",
            "False",
            "ex",
            "intros",
            "rewrite",
            "reflexivity",
            "Hypothesis",
        ],
    }
}

/// The key of the `Nat` literal `n` in a [`Names`] table: `#lit2` (its
/// readable form is `n2`; no theory symbol starts with `#`).
pub const LIT_PREFIX: &str = "#lit";

pub fn lit_key(n: u32) -> String {
    format!("{LIT_PREFIX}{n}")
}

/// The readable form of `symbol` for `target` (not yet made unique).
pub fn readable(target: Target, symbol: &str) -> String {
    if symbol == crate::signature::IMPLIES {
        return "implies".into();
    }
    if let Some(digits) = symbol.strip_prefix(LIT_PREFIX) {
        return format!("n{digits}");
    }
    let mut out = String::with_capacity(symbol.len() + 2);
    for c in symbol.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => out.push(c),
            '.' if target == Target::Smt2 => out.push('.'),
            '.' => out.push('_'),
            '\'' if target == Target::Coq => out.push('\''),
            c => out.push_str(&format!("u{:04x}", c as u32)),
        }
    }
    match target {
        Target::Tptp => {
            let mut chars = out.chars();
            match chars.next() {
                Some(c) if c.is_ascii_lowercase() => out,
                Some(c) if c.is_ascii_uppercase() => {
                    format!("{}{}", c.to_ascii_lowercase(), chars.as_str())
                }
                _ => format!("s_{out}"),
            }
        }
        Target::Smt2 | Target::Coq => match out.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => out,
            _ => format!("s_{out}"),
        },
    }
}

/// An injective map from symbols to a target's identifiers.
#[derive(Clone, Debug)]
pub struct Names {
    target: Target,
    map: HashMap<String, String>,
    taken: HashSet<String>,
}

impl Names {
    pub fn new(target: Target) -> Names {
        Names {
            target,
            map: HashMap::new(),
            taken: reserved(target).iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Keeps `word` from being given to any symbol (the output uses it).
    pub fn reserve(&mut self, word: &str) {
        self.taken.insert(word.to_string());
    }

    /// The identifier of `symbol`, given one if it has none yet.
    pub fn name(&mut self, symbol: &str) -> &str {
        if !self.map.contains_key(symbol) {
            let base = readable(self.target, symbol);
            let mut id = base.clone();
            let mut k = 0u32;
            while self.taken.contains(&id) {
                k += 1;
                id = format!("{base}_{k}");
            }
            self.taken.insert(id.clone());
            self.map.insert(symbol.to_string(), id);
        }
        &self.map[symbol]
    }

    /// The identifier given to `symbol`, if any.
    pub fn get(&self, symbol: &str) -> Option<&str> {
        self.map.get(symbol).map(String::as_str)
    }

    /// Whether `id` is given to a symbol or reserved.
    pub fn is_taken(&self, id: &str) -> bool {
        self.taken.contains(id)
    }
}

/// Whether `id` is lexically valid for `target`.
pub fn is_valid(target: Target, id: &str) -> bool {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    match target {
        Target::Tptp => {
            first.is_ascii_lowercase() && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        Target::Smt2 => {
            first.is_ascii_alphabetic()
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        }
        Target::Coq => {
            first.is_ascii_alphabetic()
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn readable_forms() {
        assert_eq!(readable(Target::Tptp, "R.add"), "r_add");
        assert_eq!(readable(Target::Smt2, "R.add"), "R.add");
        assert_eq!(readable(Target::Coq, "Nat.add_comm"), "Nat_add_comm");
        assert_eq!(readable(Target::Coq, "F.inv⁻¹"), "F_invu207bu00b9");
        assert_eq!(readable(Target::Tptp, "→"), "implies");
        assert_eq!(readable(Target::Tptp, "2x"), "s_2x");
    }

    #[test]
    fn collisions_and_reserved_words_get_suffixes() {
        let mut n = Names::new(Target::Coq);
        assert_eq!(n.name("R.add"), "R_add");
        assert_eq!(n.name("R_add"), "R_add_1");
        assert_eq!(n.name("R.add"), "R_add");
        assert_eq!(n.name("nat"), "nat_1");
        let mut s = Names::new(Target::Smt2);
        assert_eq!(s.name("not"), "not_1");
        assert_eq!(s.name("Not"), "Not");
        let mut t = Names::new(Target::Tptp);
        assert_eq!(t.name("And"), "and");
        assert_eq!(t.name("and"), "and_1");
    }

    proptest! {
        /// Distinct symbols get distinct, valid identifiers, whatever they are.
        #[test]
        fn injective_and_valid(symbols in prop::collection::vec("[a-zA-Z_.0-9'→⁻¹ ]{1,6}", 1..40)) {
            for target in [Target::Tptp, Target::Smt2, Target::Coq] {
                let mut n = Names::new(target);
                let mut seen: HashMap<String, String> = HashMap::new();
                for s in &symbols {
                    let id = n.name(s).to_string();
                    prop_assert!(is_valid(target, &id), "{:?}: {}", target, id);
                    prop_assert!(!reserved(target).contains(&id.as_str()));
                    if let Some(other) = seen.get(&id) {
                        prop_assert_eq!(other, s, "{:?}: {} twice", target, id);
                    }
                    seen.insert(id, s.clone());
                }
            }
        }
    }
}
