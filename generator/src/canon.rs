//! Canonical forms (the dedup key, DESIGN §6): variables renamed by first
//! occurrence, the two sides as an unordered pair. Hashed with FNV-1a, which
//! is fixed across platforms and releases (the hash is written in corpora).

use crate::term::Term;

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

fn ordered(a: &Term, b: &Term) -> Vec<u8> {
    let mut map = Vec::new();
    let mut out = Vec::new();
    rename(a, &mut map, &mut out);
    out.push(b'=');
    rename(b, &mut map, &mut out);
    out
}

/// The canonical form of `lhs = rhs` (the smaller of the two orientations).
pub fn canonical(lhs: &Term, rhs: &Term) -> Vec<u8> {
    ordered(lhs, rhs).min(ordered(rhs, lhs))
}

/// FNV-1a 64 of `bytes`, seeded with the sort (theorems of different sorts differ).
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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
