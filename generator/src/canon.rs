//! Canonical forms (the dedup key, DESIGN §6): variables renamed by first
//! occurrence, symbols by name, the two sides as an unordered pair, hashed
//! with FNV-1a. The form itself is defined in `proofmill_corpora::corpus::canon`,
//! where `verify` recomputes it from a record's statement.

use crate::term::{Signature, Term};
use proofmill_corpora::corpus::canon::{self as shared, Node, View};

fn rename(t: &Term, map: &mut Vec<u32>, out: &mut Vec<u8>) {
    match t {
        Term::Var(v) => {
            let k = match map.iter().position(|x| x == v) {
                Some(k) => k,
                None => {
                    map.push(*v);
                    map.len() - 1
                }
            };
            out.push(b'v');
            out.extend_from_slice(&(k as u32).to_le_bytes());
        }
        Term::Lit(n) => {
            out.push(b'l');
            out.extend_from_slice(&n.to_le_bytes());
        }
        Term::App(f, xs) => {
            out.push(b'f');
            out.extend_from_slice(&f.to_le_bytes());
            out.extend_from_slice(&(xs.len() as u32).to_le_bytes());
            for x in xs.iter() {
                rename(x, map, out);
            }
        }
    }
}

/// The canonical form of `lhs = rhs` (`proofmill_corpora::corpus::canon`):
/// symbols by their names in `sig`, so that `verify` recomputes it from the
/// printed statement.
pub fn canonical(sig: &Signature, lhs: &Term, rhs: &Term) -> Vec<u8> {
    shared::canonical(lhs, rhs, sig)
}

impl View<Term> for Signature {
    fn node<'a>(&'a self, t: &'a Term) -> Node<'a, Term> {
        match t {
            Term::Var(v) => Node::Var(*v),
            Term::Lit(n) => Node::Lit(*n),
            Term::App(f, xs) => Node::App(self.syms[*f as usize].text.as_str(), xs),
        }
    }
}

/// The dedup key and `canonical_hash` of `lhs = rhs`.
pub fn hash(sig: &Signature, lhs: &Term, rhs: &Term) -> u64 {
    shared::hash(&canonical(sig, lhs, rhs))
}

/// Whether both sides are the same up to renaming (a trivial theorem).
pub fn trivial(lhs: &Term, rhs: &Term) -> bool {
    let mut m1 = Vec::new();
    let mut a = Vec::new();
    rename(lhs, &mut m1, &mut a);
    let mut m2 = Vec::new();
    let mut b = Vec::new();
    rename(rhs, &mut m2, &mut b);
    lhs == rhs || (a == b && m1 == m2)
}
