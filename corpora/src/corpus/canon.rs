//! Canonical forms of first-order equations: the dedup key (DESIGN §6) and
//! each record's `canonical_hash`.
//!
//! The form is defined on the statement alone, so that `verify` recomputes
//! it from a record's text: variables are renamed by first occurrence,
//! symbols are written by their full names (not by an index that depends on
//! how a program numbered them), and the two sides are an unordered pair
//! (the smaller of the two orientations). The generator hashes its own
//! terms through the same code, viewing them as [`Node`]s.
//!
//! The hash is FNV-1a 64, fixed across platforms and releases (it is written
//! in corpora and in `--exclude` lists).

/// One node of a first-order term, as the canonical form sees it.
pub enum Node<'a, T> {
    /// A variable, by any identity that is stable across the equation.
    Var(u32),
    /// A `Nat` literal.
    Lit(u32),
    /// A symbol (its full name) applied to its arguments.
    App(&'a str, &'a [T]),
}

/// How a program's terms look to the canonical form (the generator's
/// terms through their signature, `verify`'s first-order terms directly).
pub trait View<T> {
    fn node<'a>(&'a self, t: &'a T) -> Node<'a, T>;
}

fn rename<T>(t: &T, view: &impl View<T>, map: &mut Vec<u32>, out: &mut Vec<u8>) {
    match view.node(t) {
        Node::Var(v) => {
            let k = match map.iter().position(|x| *x == v) {
                Some(k) => k,
                None => {
                    map.push(v);
                    map.len() - 1
                }
            };
            out.push(b'v');
            out.extend_from_slice(&(k as u32).to_le_bytes());
        }
        Node::Lit(n) => {
            out.push(b'l');
            out.extend_from_slice(&n.to_le_bytes());
        }
        Node::App(f, xs) => {
            out.push(b'f');
            out.extend_from_slice(&(f.len() as u32).to_le_bytes());
            out.extend_from_slice(f.as_bytes());
            out.extend_from_slice(&(xs.len() as u32).to_le_bytes());
            for x in xs {
                rename(x, view, map, out);
            }
        }
    }
}

fn ordered<T>(a: &T, b: &T, view: &impl View<T>) -> Vec<u8> {
    let mut map = Vec::new();
    let mut out = Vec::with_capacity(64);
    rename(a, view, &mut map, &mut out);
    out.push(b'=');
    rename(b, view, &mut map, &mut out);
    out
}

/// The canonical form of `lhs = rhs` (the smaller of the two orientations).
pub fn canonical<T>(lhs: &T, rhs: &T, view: &impl View<T>) -> Vec<u8> {
    ordered(lhs, rhs, view).min(ordered(rhs, lhs, view))
}

/// FNV-1a 64 of `bytes`.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A canonical hash as records write it: 16 lowercase hex digits.
pub fn hash_text(h: u64) -> String {
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    enum T {
        V(u32),
        F(&'static str, Vec<T>),
    }

    struct Plain;
    impl View<T> for Plain {
        fn node<'a>(&'a self, t: &'a T) -> Node<'a, T> {
            match t {
                T::V(v) => Node::Var(*v),
                T::F(f, xs) => Node::App(f, xs),
            }
        }
    }

    #[test]
    fn renaming_and_orientation_do_not_matter_but_names_do() {
        use T::*;
        let h = |l: &T, r: &T| hash(&canonical(l, r, &Plain));
        let ab = F("add", vec![V(0), V(1)]);
        let ba = F("add", vec![V(1), V(0)]);
        let xy = F("add", vec![V(7), V(3)]);
        let yx = F("add", vec![V(3), V(7)]);
        assert_eq!(h(&ab, &ba), h(&yx, &xy));
        assert_eq!(h(&ab, &ba), h(&ba, &ab));
        let mul = F("mul", vec![V(0), V(1)]);
        let mul2 = F("mul", vec![V(1), V(0)]);
        assert_ne!(h(&ab, &ba), h(&mul, &mul2));
        // A name's length is part of the form: `ab` + `c` is not `a` + `bc`.
        let x = F("ab", vec![F("c", vec![])]);
        let y = F("a", vec![F("bc", vec![])]);
        assert_ne!(h(&x, &V(0)), h(&y, &V(0)));
        assert_eq!(hash_text(0xab), "00000000000000ab");
    }
}
