//! Hierarchical names (`Nat.add`, `_private.0.x`), as in Lean 4.
//!
//! A name is an immutable, reference-counted chain of string and numeric
//! components. It caches its hash, so the environment's maps hash a name in
//! constant time, and compares by pointer first.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A Lean name. `Name::anon()` is the empty name.
#[derive(Clone)]
pub struct Name(Arc<NameNode>);

#[derive(PartialEq, Eq)]
enum NameKind {
    Anon,
    Str(Name, Box<str>),
    Num(Name, u64),
}

struct NameNode {
    kind: NameKind,
    hash: u64,
}

fn mix(a: u64, b: u64) -> u64 {
    // A small, stable mixer (the hash is part of nothing persistent, but it is
    // deterministic so that iteration orders that depend on it are too).
    let x = a.rotate_left(5) ^ b;
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn str_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Name {
    pub fn anon() -> Name {
        Name(Arc::new(NameNode {
            kind: NameKind::Anon,
            hash: 1723,
        }))
    }

    /// `pre.s`
    pub fn str(pre: &Name, s: &str) -> Name {
        let hash = mix(pre.0.hash, str_hash(s));
        Name(Arc::new(NameNode {
            kind: NameKind::Str(pre.clone(), s.into()),
            hash,
        }))
    }

    /// `pre.n`
    pub fn num(pre: &Name, n: u64) -> Name {
        let hash = mix(pre.0.hash, n ^ 0x5bd1_e995);
        Name(Arc::new(NameNode {
            kind: NameKind::Num(pre.clone(), n),
            hash,
        }))
    }

    /// Parses a dotted string such as `Nat.add` (components are all strings).
    pub fn from_dotted(s: &str) -> Name {
        let mut n = Name::anon();
        for part in s.split('.') {
            n = Name::str(&n, part);
        }
        n
    }

    pub fn is_anon(&self) -> bool {
        matches!(self.0.kind, NameKind::Anon)
    }

    /// The name without its last component (`Nat.add` → `Nat`).
    pub fn prefix(&self) -> Name {
        match &self.0.kind {
            NameKind::Anon => self.clone(),
            NameKind::Str(p, _) | NameKind::Num(p, _) => p.clone(),
        }
    }

    /// The last component when it is a string.
    pub fn last_str(&self) -> Option<&str> {
        match &self.0.kind {
            NameKind::Str(_, s) => Some(s),
            _ => None,
        }
    }

    /// The last component when it is a number.
    pub fn last_num(&self) -> Option<u64> {
        match &self.0.kind {
            NameKind::Num(_, n) => Some(*n),
            _ => None,
        }
    }

    pub fn hash_value(&self) -> u64 {
        self.0.hash
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        let mut n = 0;
        let mut cur = self;
        loop {
            match &cur.0.kind {
                NameKind::Anon => return n,
                NameKind::Str(p, _) | NameKind::Num(p, _) => {
                    n += 1;
                    cur = p;
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.is_anon()
    }

    /// Whether `self` is `prefix` followed by zero or more components.
    pub fn has_prefix(&self, prefix: &Name) -> bool {
        let mut cur = self;
        loop {
            if cur == prefix {
                return true;
            }
            match &cur.0.kind {
                NameKind::Anon => return false,
                NameKind::Str(p, _) | NameKind::Num(p, _) => cur = p,
            }
        }
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // Iterative so that long names cannot exhaust the stack.
        let mut a = self;
        let mut b = other;
        loop {
            if Arc::ptr_eq(&a.0, &b.0) {
                return true;
            }
            if a.0.hash != b.0.hash {
                return false;
            }
            match (&a.0.kind, &b.0.kind) {
                (NameKind::Anon, NameKind::Anon) => return true,
                (NameKind::Str(pa, sa), NameKind::Str(pb, sb)) if sa == sb => {
                    a = pa;
                    b = pb;
                }
                (NameKind::Num(pa, na), NameKind::Num(pb, nb)) if na == nb => {
                    a = pa;
                    b = pb;
                }
                _ => return false,
            }
        }
    }
}
impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl Drop for NameNode {
    fn drop(&mut self) {
        // Unlink long chains iteratively so dropping cannot overflow the stack.
        let mut next = match std::mem::replace(&mut self.kind, NameKind::Anon) {
            NameKind::Str(p, _) | NameKind::Num(p, _) => Some(p),
            NameKind::Anon => None,
        };
        while let Some(n) = next {
            next = match Arc::try_unwrap(n.0) {
                Ok(mut node) => match std::mem::replace(&mut node.kind, NameKind::Anon) {
                    NameKind::Str(p, _) | NameKind::Num(p, _) => Some(p),
                    NameKind::Anon => None,
                },
                Err(_) => None,
            };
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let mut cur = self;
        loop {
            match &cur.0.kind {
                NameKind::Anon => break,
                NameKind::Str(p, s) => {
                    parts.push(s.to_string());
                    cur = p;
                }
                NameKind::Num(p, n) => {
                    parts.push(n.to_string());
                    cur = p;
                }
            }
        }
        if parts.is_empty() {
            return write!(f, "[anonymous]");
        }
        parts.reverse();
        write!(f, "{}", parts.join("."))
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{self}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_compare_structurally() {
        let a = Name::from_dotted("Nat.add");
        let b = Name::str(&Name::str(&Name::anon(), "Nat"), "add");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "Nat.add");
        assert_ne!(a, Name::from_dotted("Nat.mul"));
        assert!(a.has_prefix(&Name::from_dotted("Nat")));
        assert_eq!(a.prefix(), Name::from_dotted("Nat"));
    }

    #[test]
    fn numeric_components_differ_from_strings() {
        let a = Name::num(&Name::from_dotted("x"), 1);
        let b = Name::from_dotted("x.1");
        assert_ne!(a, b);
        assert_eq!(a.to_string(), "x.1");
        assert_eq!((a.last_num(), a.last_str()), (Some(1), None));
        assert_eq!((b.last_num(), b.last_str()), (None, Some("1")));
        assert_eq!(Name::anon().last_num(), None);
    }

    #[test]
    fn very_long_names_drop_without_overflow() {
        let mut n = Name::anon();
        for i in 0..200_000 {
            n = Name::num(&n, i);
        }
        assert_eq!(n.len(), 200_000);
        drop(n);
    }
}
