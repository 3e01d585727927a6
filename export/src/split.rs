//! Train / validation / test splits, decided by a record's canonical hash
//! alone: the same statement always falls in the same split, whatever the
//! corpus, the order of its records or the format, so no statement is ever
//! in two splits (the generator's dedup keeps one record a statement).

use crate::error::ExportError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

/// The parts of train, validation and test, as `98,1,1` (any scale: `8,1,1`
/// is 80/10/10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitRatio {
    pub train: u32,
    pub validation: u32,
    pub test: u32,
}

impl Default for SplitRatio {
    fn default() -> Self {
        SplitRatio {
            train: 98,
            validation: 1,
            test: 1,
        }
    }
}

impl std::fmt::Display for SplitRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{}", self.train, self.validation, self.test)
    }
}

impl SplitRatio {
    /// `"98,1,1"`: three non-negative integers with a positive sum (each at
    /// most 1,000,000).
    pub fn parse(s: &str) -> Result<SplitRatio, ExportError> {
        let bad = || ExportError::BadSplit(s.to_string());
        let parts: Vec<u32> = s
            .split(',')
            .map(|p| p.trim().parse::<u32>().ok().filter(|&n| n <= 1_000_000))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let [train, validation, test] = parts[..] else {
            return Err(bad());
        };
        if train + validation + test == 0 {
            return Err(bad());
        }
        Ok(SplitRatio {
            train,
            validation,
            test,
        })
    }

    fn total(&self) -> u64 {
        u64::from(self.train) + u64::from(self.validation) + u64::from(self.test)
    }

    /// The split of the record whose canonical hash is `canonical_hash` (16
    /// hex digits): the hash, read as a number in `[0, 2^64)`, scaled to
    /// `[0, total)`, falls in train's, validation's or test's part. A hash
    /// that is not hex (no verified corpus has one) is hashed first.
    pub fn of(&self, canonical_hash: &str) -> Split {
        let h = canonical_hash
            .get(..16.min(canonical_hash.len()))
            .filter(|h| !h.is_empty())
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .unwrap_or_else(|| fnv1a(canonical_hash.as_bytes()));
        let bucket = ((u128::from(h) * u128::from(self.total())) >> 64) as u64;
        if bucket < u64::from(self.train) {
            Split::Train
        } else if bucket < u64::from(self.train) + u64::from(self.validation) {
            Split::Validation
        } else {
            Split::Test
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hash(i: u64) -> String {
        // Canonical hashes are 64-bit hashes: spread the test inputs the same way.
        format!("{:016x}", fnv1a(&i.to_le_bytes()))
    }

    #[test]
    fn parses_and_refuses() {
        assert_eq!(SplitRatio::parse("98,1,1").unwrap(), SplitRatio::default());
        assert_eq!(SplitRatio::parse(" 8, 1 ,1").unwrap().to_string(), "8,1,1");
        assert_eq!(SplitRatio::parse("100,0,0").unwrap().train, 100);
        for bad in [
            "", "98,1", "98,1,1,0", "0,0,0", "-1,1,1", "a,b,c", "1.5,1,1",
        ] {
            assert!(
                matches!(SplitRatio::parse(bad), Err(ExportError::BadSplit(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn ratios_are_respected_within_tolerance() {
        for (spec, n) in [
            ("98,1,1", 200_000u64),
            ("8,1,1", 100_000),
            ("1,1,1", 60_000),
        ] {
            let r = SplitRatio::parse(spec).unwrap();
            let mut counts = [0u64; 3];
            for i in 0..n {
                counts[r.of(&hash(i)) as usize] += 1;
            }
            let total = r.total() as f64;
            for (k, want) in [r.train, r.validation, r.test].into_iter().enumerate() {
                let expected = n as f64 * f64::from(want) / total;
                // Binomial standard deviation; 5 of them is a safe bound.
                let sd = (expected * (1.0 - f64::from(want) / total)).sqrt();
                assert!(
                    (counts[k] as f64 - expected).abs() <= 5.0 * sd + 1.0,
                    "{spec}: split {k}: {} records, expected {expected:.0}",
                    counts[k]
                );
            }
        }
    }

    #[test]
    fn a_zero_part_gets_nothing() {
        let r = SplitRatio::parse("1,0,1").unwrap();
        assert!((0..10_000).all(|i| r.of(&hash(i)) != Split::Validation));
        let all_train = SplitRatio::parse("5,0,0").unwrap();
        assert!((0..10_000).all(|i| all_train.of(&hash(i)) == Split::Train));
        assert_eq!(all_train.of("ffffffffffffffff"), Split::Train);
    }

    proptest! {
        /// The split depends on the hash alone (so it is deterministic and a
        /// statement is never in two splits), and only on its first 16 digits.
        #[test]
        fn deterministic_and_disjoint(h in any::<u64>(), spec in prop::sample::select(vec!["98,1,1", "8,1,1", "1,2,3"])) {
            let r = SplitRatio::parse(spec).unwrap();
            let text = format!("{h:016x}");
            let s = r.of(&text);
            prop_assert_eq!(s, SplitRatio::parse(spec).unwrap().of(&text));
            prop_assert_eq!(s, r.of(&format!("{text}ignored")));
            prop_assert_eq!(Split::ALL.iter().filter(|&&x| x == s).count(), 1);
        }

        /// Splits are intervals of the hash, in order train < validation < test.
        #[test]
        fn monotone_in_the_hash(a in any::<u64>(), b in any::<u64>()) {
            let r = SplitRatio::default();
            let (lo, hi) = (a.min(b), a.max(b));
            let (a, b) = (r.of(&format!("{lo:016x}")), r.of(&format!("{hi:016x}")));
            prop_assert!(a as u8 <= b as u8);
        }
    }
}
