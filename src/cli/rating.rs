//! Measured difficulty: the ratings file `bench-provers --calibrate` writes,
//! and the difficulty buckets `select`, `bench-provers --rating-from` and
//! `stats --rating-from` cut from it.
//!
//! A problem's **rating** is the TPTP library's: the fraction of the provers
//! run that failed it within the limit (0 = every prover solved it, 1 = none
//! did). With three provers it takes four values, which is too coarse to
//! order a benchmark, so each problem also gets its **effort**: the mean over
//! the provers of the time each took as a fraction of the limit, a failure
//! counting 1. Problems are ordered by (rating, effort, canonical hash) and
//! cut into buckets by share (`--buckets 4`: four equal quarters; `--buckets
//! 40,30,20,10`: the easiest 40 %, …, the hardest 10 %). With a reference
//! prover (`--reference eprover`) the scale is that prover's, as STP keeps
//! what is "barely provable" for the current prover: the problems it solved
//! come first, fastest first, then those it failed, by rating and effort.
//! The order and the cuts are over the whole ratings file, so a problem's
//! bucket is a function of the file and the bucket spec alone: the same in
//! `select`, in `bench-provers` and in `stats`, whatever subset each looks
//! at.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Each rated theorem's difficulty bucket (1 = easiest), by canonical hash.
pub type Buckets = HashMap<String, u32>;

/// `--rating-from FILE [--buckets SPEC] [--reference PROVER]`, as
/// `bench-provers` and `stats` take them (`select` requires the file).
#[derive(clap::Args, Debug)]
pub struct RatingArgs {
    /// A ratings file (`bench-provers --calibrate`): also sum up by its
    /// difficulty buckets.
    #[arg(long)]
    pub rating_from: Option<PathBuf>,
    /// With --rating-from: K equal buckets, or shares P1,P2,… easiest first.
    #[arg(long, default_value = "4", requires = "rating_from")]
    pub buckets: String,
    /// With --rating-from: buckets on this prover's scale (see `select`).
    #[arg(long, requires = "rating_from")]
    pub reference: Option<String>,
}

impl RatingArgs {
    /// The ratings file and each rated theorem's bucket (by canonical
    /// hash), when `--rating-from` is given.
    pub fn load(&self) -> Result<Option<(Ratings, Buckets)>, RatingError> {
        let Some(f) = &self.rating_from else {
            return Ok(None);
        };
        let spec = BucketSpec::parse(&self.buckets)?.with_reference(self.reference.as_deref());
        let r = Ratings::read(f)?;
        let b = r.buckets(&spec)?;
        Ok(Some((r, b)))
    }
}

/// The `format` field of a ratings file.
pub const FORMAT: &str = "proofmill-ratings/1";

/// One problem's measurements.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Rated {
    /// The record's id in the corpus calibrated.
    pub id: String,
    /// The record's canonical hash (16 hex digits): how `select` finds it.
    pub canonical_hash: String,
    pub statement: String,
    /// `Theorem` or `CounterSatisfiable`.
    pub expected: String,
    /// The fraction of the provers that failed it (TPTP's rating).
    pub rating: f64,
    /// The mean over the provers of time / limit, a failure counting 1.
    pub effort: f64,
    pub solved_by: Vec<String>,
    /// Per prover: its time in seconds when it solved the problem, `null`
    /// when it did not.
    pub times_s: BTreeMap<String, Option<f64>>,
}

/// A ratings file (`bench-provers --calibrate FILE`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Ratings {
    pub format: String,
    /// The corpus's theory and seed, and its manifest's sha256.
    pub theory: String,
    pub seed: String,
    pub manifest_sha256: String,
    /// The rules the problems stated (`--axioms`).
    pub axioms: String,
    pub timeout_s: f64,
    pub provers: Vec<String>,
    pub problems: Vec<Rated>,
}

/// What failed reading a ratings file or a bucket spec.
#[derive(Debug, thiserror::Error)]
pub enum RatingError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a ratings file ({msg})")]
    Parse { path: String, msg: String },
    #[error("{path}: format `{found}`, expected `{FORMAT}`")]
    Format { path: String, found: String },
    #[error("{path}: {id}: {msg}")]
    Problem {
        path: String,
        id: String,
        msg: String,
    },
    #[error("--buckets {0}: expected K (2 ≤ K ≤ 100 equal buckets) or shares P1,P2,… (2 to 100 positive whole numbers), easiest first")]
    BadBuckets(String),
    #[error("--reference {prover}: not a prover of the ratings file ({provers})")]
    NoSuchProver { prover: String, provers: String },
}

impl Ratings {
    pub fn read(path: &Path) -> Result<Ratings, RatingError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RatingError::Io {
            path: p.clone(),
            source,
        })?;
        let r: Ratings = serde_json::from_str(&text).map_err(|e| RatingError::Parse {
            path: p.clone(),
            msg: e.to_string(),
        })?;
        if r.format != FORMAT {
            return Err(RatingError::Format {
                path: p,
                found: r.format,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for q in &r.problems {
            let bad = |msg: &str| RatingError::Problem {
                path: p.clone(),
                id: q.id.clone(),
                msg: msg.to_string(),
            };
            if !(0.0..=1.0).contains(&q.rating) || !(0.0..=1.0).contains(&q.effort) {
                return Err(bad("rating and effort must be between 0 and 1"));
            }
            if q.canonical_hash.len() != 16 || u64::from_str_radix(&q.canonical_hash, 16).is_err() {
                return Err(bad("canonical_hash is not 16 hex digits"));
            }
            if !seen.insert(q.canonical_hash.clone()) {
                return Err(bad("canonical_hash rated twice"));
            }
        }
        Ok(r)
    }

    /// Each theorem's bucket (1 = easiest) under `spec`, by canonical hash.
    /// Non-theorems are not bucketed.
    pub fn buckets(&self, spec: &BucketSpec) -> Result<HashMap<String, u32>, RatingError> {
        if let Some(r) = &spec.reference {
            if !self.provers.contains(r) {
                return Err(RatingError::NoSuchProver {
                    prover: r.clone(),
                    provers: self.provers.join(", "),
                });
            }
        }
        // The reference prover's key: solved before failed, faster first.
        let reference = |q: &Rated| -> (bool, f64) {
            match &spec.reference {
                None => (false, 0.0),
                Some(r) => match q.times_s.get(r).copied().flatten() {
                    Some(t) => (false, t),
                    None => (true, 0.0),
                },
            }
        };
        let mut order: Vec<&Rated> = self
            .problems
            .iter()
            .filter(|q| q.expected == "Theorem")
            .collect();
        order.sort_by(|a, b| {
            let (ra, rb) = (reference(a), reference(b));
            ra.0.cmp(&rb.0)
                .then(ra.1.total_cmp(&rb.1))
                .then(a.rating.total_cmp(&b.rating))
                .then(a.effort.total_cmp(&b.effort))
                .then(a.canonical_hash.cmp(&b.canonical_hash))
        });
        let n = order.len() as u64;
        let total: u64 = spec.shares.iter().map(|&s| u64::from(s)).sum();
        // Bucket b ends at rank ⌊n · (s₁ + … + s_b) / total⌋.
        let mut ends = Vec::with_capacity(spec.shares.len());
        let mut acc = 0u64;
        for &s in &spec.shares {
            acc += u64::from(s);
            ends.push(n * acc / total);
        }
        let mut out = HashMap::with_capacity(order.len());
        let mut b = 0usize;
        for (rank, q) in order.iter().enumerate() {
            while rank as u64 >= ends[b] {
                b += 1;
            }
            out.insert(q.canonical_hash.clone(), b as u32 + 1);
        }
        Ok(out)
    }
}

/// How to cut the ordered problems: a share per bucket, easiest first,
/// and the prover whose scale it is, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketSpec {
    pub shares: Vec<u32>,
    pub reference: Option<String>,
}

impl BucketSpec {
    pub fn parse(s: &str) -> Result<BucketSpec, RatingError> {
        let bad = || RatingError::BadBuckets(s.to_string());
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let shares: Vec<u32> = if parts.len() == 1 {
            let k: u32 = parts[0].parse().map_err(|_| bad())?;
            if !(2..=100).contains(&k) {
                return Err(bad());
            }
            vec![1; k as usize]
        } else {
            parts
                .iter()
                .map(|p| {
                    p.parse::<u32>()
                        .ok()
                        .filter(|&x| (1..=1_000_000).contains(&x))
                })
                .collect::<Option<Vec<u32>>>()
                .ok_or_else(bad)?
        };
        if !(2..=100).contains(&shares.len()) {
            return Err(bad());
        }
        Ok(BucketSpec {
            shares,
            reference: None,
        })
    }
    /// The same cut on `prover`'s scale (`--reference`).
    pub fn with_reference(mut self, prover: Option<&str>) -> BucketSpec {
        self.reference = prover.map(str::to_string);
        self
    }
    pub fn len(&self) -> usize {
        self.shares.len()
    }
}

/// The rating histogram `stats` prints: theorems per rating value (to two
/// decimals), as (label, count), lowest first.
pub fn histogram<'a>(rated: impl Iterator<Item = &'a Rated>) -> Vec<(String, usize)> {
    let mut h: BTreeMap<u32, usize> = BTreeMap::new();
    for q in rated {
        *h.entry((q.rating * 100.0).round() as u32).or_default() += 1;
    }
    h.into_iter()
        .map(|(k, n)| (format!("{:.2}", f64::from(k) / 100.0), n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rated(hash: u64, rating: f64, effort: f64) -> Rated {
        Rated {
            id: format!("t/s0/{hash:06}"),
            canonical_hash: format!("{hash:016x}"),
            statement: String::new(),
            expected: "Theorem".into(),
            rating,
            effort,
            solved_by: Vec::new(),
            times_s: BTreeMap::new(),
        }
    }

    fn file(problems: Vec<Rated>) -> Ratings {
        Ratings {
            format: FORMAT.into(),
            theory: "ring".into(),
            seed: "0".into(),
            manifest_sha256: String::new(),
            axioms: "all".into(),
            timeout_s: 2.0,
            provers: vec!["eprover".into()],
            problems,
        }
    }

    #[test]
    fn buckets_follow_rating_then_effort_and_the_shares() {
        // Ten problems; rating first, effort breaks ties, the hash last.
        let mut ps: Vec<Rated> = (0..10u64)
            .map(|i| {
                rated(
                    i,
                    if i < 5 { 0.0 } else { 1.0 },
                    0.1 * (10 - i) as f64 / 10.0,
                )
            })
            .collect();
        ps.reverse();
        let r = file(ps);
        let b = r.buckets(&BucketSpec::parse("4").unwrap()).unwrap();
        let of = |i: u64| b[&format!("{i:016x}")];
        // Ranks: 4,3,2,1,0 (rating 0, effort falling with i), then 9,8,7,6,5.
        // Quarter ends at ranks 2, 5, 7, 10.
        assert_eq!(
            (0..10).map(of).collect::<Vec<_>>(),
            [2, 2, 2, 1, 1, 4, 4, 4, 3, 3]
        );
        let b = r.buckets(&BucketSpec::parse("50,30,20").unwrap()).unwrap();
        let mut count = [0; 3];
        for v in b.values() {
            count[*v as usize - 1] += 1;
        }
        assert_eq!(count, [5, 3, 2]);
    }

    #[test]
    fn a_reference_prover_orders_by_its_own_results_first() {
        // a: every prover failed but the reference solved it slowly;
        // b: only the reference failed; c: all solved, the reference fast.
        let mut a = rated(1, 0.5, 0.9);
        a.times_s.insert("e".into(), Some(1.5));
        let mut b = rated(2, 0.5, 0.6);
        b.times_s.insert("e".into(), None);
        let mut c = rated(3, 0.0, 0.1);
        c.times_s.insert("e".into(), Some(0.1));
        let mut r = file(vec![a, b, c]);
        r.provers = vec!["e".into(), "z".into()];
        let of = |spec: BucketSpec| {
            let m = r.buckets(&spec).unwrap();
            (1..=3u64)
                .map(|i| m[&format!("{i:016x}")])
                .collect::<Vec<_>>()
        };
        assert_eq!(of(BucketSpec::parse("3").unwrap()), [3, 2, 1]);
        assert_eq!(
            of(BucketSpec::parse("3").unwrap().with_reference(Some("e"))),
            [2, 3, 1]
        );
        assert!(matches!(
            r.buckets(&BucketSpec::parse("3").unwrap().with_reference(Some("v"))),
            Err(RatingError::NoSuchProver { .. })
        ));
    }

    #[test]
    fn bad_specs_and_files_are_refused() {
        for s in ["1", "0", "x", "3,0", "101", ""] {
            assert!(BucketSpec::parse(s).is_err(), "{s}");
        }
        assert_eq!(BucketSpec::parse("5").unwrap().len(), 5);
        let dir = std::env::temp_dir().join(format!("pm-ratings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("r.json");
        let mut r = file(vec![rated(1, 0.5, 0.5), rated(1, 0.0, 0.0)]);
        std::fs::write(&p, serde_json::to_string(&r).unwrap()).unwrap();
        assert!(matches!(
            Ratings::read(&p),
            Err(RatingError::Problem { .. })
        ));
        r.problems.pop();
        std::fs::write(&p, serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(Ratings::read(&p).unwrap(), r);
        r.format = "other".into();
        std::fs::write(&p, serde_json::to_string(&r).unwrap()).unwrap();
        assert!(matches!(Ratings::read(&p), Err(RatingError::Format { .. })));
        std::fs::write(&p, "{").unwrap();
        assert!(matches!(Ratings::read(&p), Err(RatingError::Parse { .. })));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn histogram_counts_ratings() {
        let ps = [
            rated(1, 0.0, 0.0),
            rated(2, 1.0 / 3.0, 0.4),
            rated(3, 0.0, 0.1),
        ];
        assert_eq!(
            histogram(ps.iter()),
            [("0.00".to_string(), 2), ("0.33".to_string(), 1)]
        );
    }
}
