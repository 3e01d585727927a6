//! Test data shared by the elaborator's and the reader's unit tests.

use crate::theory::Theory;

/// Calls `f` with each generated proof of `tests/data/generated_proofs.tsv`
/// (`theory`, `statement`, `proof_term` of records of `generate --count 4
/// --seed 7` and `--steps 5..10 --count 4 --seed 8`), its theory loaded
/// once. Returns how many proofs and how many theories there were.
pub(crate) fn for_each_generated_proof(mut f: impl FnMut(&Theory, &str, &str)) -> (usize, usize) {
    let cases = include_str!("../tests/data/generated_proofs.tsv");
    let mut theories: Vec<(String, Theory)> = Vec::new();
    let mut n = 0;
    for line in cases.lines() {
        let mut fields = line.split('\t');
        let (Some(name), Some(statement), Some(proof)) =
            (fields.next(), fields.next(), fields.next())
        else {
            panic!("a case is theory, statement and proof: {line}");
        };
        if !theories.iter().any(|(t, _)| t == name) {
            let th = Theory::shipped(name).expect("a shipped theory checks");
            theories.push((name.to_string(), th));
        }
        let (_, theory) = theories.iter().find(|(t, _)| t == name).expect("loaded");
        f(theory, statement, proof);
        n += 1;
    }
    (n, theories.len())
}

/// Wrong proofs made from a generated one: its last rule argument dropped,
/// and its first `Eq.trans` argument wrapped in `Eq.symm`.
pub(crate) fn broken_variants(proof: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(cut) = proof.rfind(' ') {
        out.push(format!("{})", &proof[..cut]));
    }
    let swapped = proof.replacen("Eq.trans (", "Eq.trans (Eq.symm (", 1);
    out.push(format!("{swapped})"));
    out
}
