//! A verified corpus stays verified: `--resume` keeps only the bytes this
//! run would write, `verify` checks every field of every record (and that
//! ids and statements are unique), an output directory holds one corpus,
//! and a corpus carries the theory sources it was checked from.
//!
//! Each test here started as a reproducer of a way a corpus that `verify`
//! accepted could hold false or foreign data.

use crate::export_common::bin;
use proofmill_corpora::corpus::sha256_hex;
use std::path::{Path, PathBuf};
use std::process::Output;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-integrity-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str], dir: &Path, extra: &[&str]) -> Output {
    bin()
        .args(args)
        .arg(dir)
        .args(extra)
        .output()
        .expect("run proofmill")
}

fn generate(dir: &Path, extra: &[&str]) -> Output {
    let out = run(&["generate", "--out"], dir, extra);
    assert!(
        out.status.success(),
        "generate {extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn verify(dir: &Path) -> (i32, String) {
    let out = run(&["verify"], dir, &[]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Rewrites the manifest's sha256 and record count of every shard from the
/// files as they are: what someone hiding an edit would do.
fn rehash(dir: &Path) {
    let mp = dir.join("manifest.json");
    let mut m = read_json(&mp);
    for s in m["shards"].as_array_mut().unwrap() {
        let f = dir.join(s["file"].as_str().unwrap());
        let bytes = std::fs::read(&f).unwrap();
        s["sha256"] = sha256_hex(&bytes).into();
        if f.extension().is_some_and(|e| e == "jsonl") {
            s["records"] = (bytes.iter().filter(|&&b| b == b'\n').count() as u64).into();
        }
    }
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

fn lines(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_lines(p: &Path, recs: &[serde_json::Value]) {
    let text: String = recs.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(p, text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Reproducer: `--resume` kept an edited shard (its ids and canonical
/// hashes were right) and wrote the edited file's sha256 into the manifest,
/// so the corpus verified again with a false `rule` label.
#[test]
fn resume_does_not_launder_an_edited_shard() {
    let clean = tmp("launder-clean");
    generate(&clean, &["--count", "200", "--seed", "3"]);
    let shard = std::fs::read(clean.join("shard-00000.jsonl")).unwrap();
    let manifest = std::fs::read(clean.join("manifest.json")).unwrap();

    let r = tmp("launder");
    copy_dir(&clean, &r);
    let text = String::from_utf8(shard.clone()).unwrap();
    let (rule, other) = if text.contains("\"rule\":\"mul_add\"") {
        ("\"rule\":\"mul_add\"", "\"rule\":\"add_neg\"")
    } else {
        ("\"rule\":\"add_comm\"", "\"rule\":\"mul_comm\"")
    };
    assert!(text.contains(rule));
    std::fs::write(r.join("shard-00000.jsonl"), text.replacen(rule, other, 1)).unwrap();
    assert_eq!(verify(&r).0, 1, "the edit is caught before resuming");

    generate(&r, &["--count", "200", "--seed", "3", "--resume"]);
    let (code, out) = verify(&r);
    assert_eq!(code, 0, "{out}");
    assert!(
        std::fs::read(r.join("shard-00000.jsonl")).unwrap() == shard,
        "the edited shard was kept"
    );
    assert!(
        std::fs::read(r.join("manifest.json")).unwrap() == manifest,
        "the manifest differs from the uninterrupted run's"
    );
    let _ = std::fs::remove_dir_all(&clean);
    let _ = std::fs::remove_dir_all(&r);
}

/// Reproducer: with the sha256s recomputed, `verify` accepted false
/// metadata, duplicate ids and a record copied under a new id.
#[test]
fn verify_checks_metadata_ids_and_copies() {
    let base = tmp("meta");
    generate(
        &base,
        &[
            "--count", "12", "--seed", "5", "--steps", "3..5", "--theory", "calculus",
        ],
    );
    let shard = base.join("shard-00000.jsonl");
    let recs = lines(&shard);
    type Edit = Box<dyn Fn(&mut Vec<serde_json::Value>) -> String>;
    let id = |r: &serde_json::Value| r["id"].as_str().unwrap().to_string();
    let flip = |v: &mut serde_json::Value, a: &str, b: &str| {
        *v = if *v == a { b } else { a }.into();
    };
    let cases: Vec<(&str, Edit)> = vec![
        (
            "rule",
            Box::new(move |rs| {
                let s = &mut rs[0]["steps"][0];
                let other = if s["rule"] == "add_comm" {
                    "mul_comm"
                } else {
                    "add_comm"
                };
                s["rule"] = other.into();
                id(&rs[0])
            }),
        ),
        (
            "direction",
            Box::new(move |rs| {
                flip(&mut rs[1]["steps"][0]["direction"], "fwd", "rev");
                id(&rs[1])
            }),
        ),
        (
            "cost",
            Box::new(move |rs| {
                flip(&mut rs[2]["steps"][0]["cost"], "easy", "invent");
                id(&rs[2])
            }),
        ),
        (
            "position",
            Box::new(move |rs| {
                rs[3]["steps"][0]["position"] = serde_json::json!([1, 1, 1]);
                id(&rs[3])
            }),
        ),
        (
            "difficulty.steps",
            Box::new(move |rs| {
                rs[4]["difficulty"]["steps"] = 99.into();
                id(&rs[4])
            }),
        ),
        (
            "difficulty.size",
            Box::new(move |rs| {
                let n = rs[4]["difficulty"]["size"].as_u64().unwrap();
                rs[4]["difficulty"]["size"] = (n + 1).into();
                id(&rs[4])
            }),
        ),
        (
            "difficulty.hard_steps",
            Box::new(move |rs| {
                let n = rs[5]["difficulty"]["hard_steps"].as_u64().unwrap();
                rs[5]["difficulty"]["hard_steps"] = (n + 1).into();
                id(&rs[5])
            }),
        ),
        (
            "canonical_hash",
            Box::new(move |rs| {
                rs[6]["canonical_hash"] = "0123456789abcdef".into();
                id(&rs[6])
            }),
        ),
        (
            "seed",
            Box::new(move |rs| {
                rs[7]["seed"] = "6".into();
                id(&rs[7])
            }),
        ),
        (
            "attempt",
            Box::new(move |rs| {
                rs[7]["attempt"] = "x1".into();
                id(&rs[7])
            }),
        ),
        (
            "theory",
            Box::new(move |rs| {
                rs[8]["theory"] = "ring".into();
                id(&rs[8])
            }),
        ),
        (
            "malformed id",
            Box::new(move |rs| {
                rs[8]["id"] = "calculus/s5/whatever".into();
                id(&rs[8])
            }),
        ),
        (
            "duplicate id",
            Box::new(move |rs| {
                rs[9]["id"] = rs[8]["id"].clone();
                id(&rs[9])
            }),
        ),
        (
            "copied record",
            Box::new(move |rs| {
                let mut copy = rs[2].clone();
                copy["id"] = "calculus/s5/000012".into();
                copy["attempt"] = "100000".into();
                rs.push(copy);
                "calculus/s5/000012".into()
            }),
        ),
        (
            "problem",
            Box::new(move |rs| {
                let i = rs.iter().position(|r| !r["problem"].is_null()).unwrap();
                rs[i]["problem"]["answer"] = "x".into();
                id(&rs[i])
            }),
        ),
    ];
    for (name, f) in cases {
        let d = tmp(&format!("meta-{}", name.replace([' ', '.'], "-")));
        copy_dir(&base, &d);
        let mut rs = recs.clone();
        let bad = f(&mut rs);
        write_lines(&d.join("shard-00000.jsonl"), &rs);
        rehash(&d);
        let (code, out) = verify(&d);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.contains(&format!("error: {bad}:")), "{name}: {out}");
        let _ = std::fs::remove_dir_all(&d);
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// Reproducer: a second run into the same directory left the first run's
/// later shards beside the new corpus, and `verify` did not mind.
#[test]
fn an_output_directory_holds_one_corpus() {
    let c = tmp("stale");
    generate(&c, &["--count", "2100", "--steps", "2..4"]);
    assert!(c.join("shard-00002.jsonl").exists());
    std::fs::write(c.join("notes.txt"), "mine\n").unwrap();
    // Refused without --overwrite (or --resume): nothing is touched.
    let out = run(
        &["generate", "--out"],
        &c,
        &["--count", "500", "--seed", "7"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--overwrite"), "{err}");
    assert!(c.join("shard-00002.jsonl").exists());
    // --overwrite removes the old corpus's files, and only those.
    generate(&c, &["--count", "500", "--seed", "7", "--overwrite"]);
    let mut names: Vec<String> = std::fs::read_dir(&c)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "notes.txt", "shard-00000.jsonl"]);
    // verify names a file the manifest does not list.
    let (code, out) = verify(&c);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("notes.txt"), "{out}");
    std::fs::remove_file(c.join("notes.txt")).unwrap();
    let (code, out) = verify(&c);
    assert_eq!(code, 0, "{out}");
    // A directory holding other files is refused too.
    let other = tmp("stale-other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("data.csv"), "1,2\n").unwrap();
    let out = run(&["generate", "--out"], &other, &["--count", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("data.csv"));
    let _ = std::fs::remove_dir_all(&c);
    let _ = std::fs::remove_dir_all(&other);
}

/// Reproducer: a corpus of a user's theory file stored only its path, so
/// moving the file (or its imports) made `verify` fail.
#[test]
fn a_corpus_verifies_after_its_theory_files_move() {
    let root = tmp("moved");
    let src = root.join("src");
    std::fs::create_dir_all(src.join("lib")).unwrap();
    let ring =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("theories/ring.theory"))
            .unwrap();
    std::fs::write(src.join("lib/base.theory"), &ring).unwrap();
    std::fs::write(src.join("my.theory"), "import \"lib/base.theory\"\n").unwrap();
    let corpus = root.join("corpus");
    let main = src.join("my.theory");
    generate(
        &corpus,
        &[
            "--theory",
            main.to_str().unwrap(),
            "--count",
            "20",
            "--seed",
            "3",
        ],
    );
    let (code, out) = verify(&corpus);
    assert_eq!(code, 0, "{out}");
    std::fs::rename(&src, root.join("elsewhere")).unwrap();
    let moved = root.join("moved-corpus");
    std::fs::rename(&corpus, &moved).unwrap();
    let (code, out) = verify(&moved);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verified 20 records: 0 bad"), "{out}");
    let _ = std::fs::remove_dir_all(&root);
}

/// The flip campaign: every single-bit change, and a change to a few other
/// byte values, of every byte of a small bincode shard, with the shard's
/// checksum and the manifest's sha256 recomputed, is either refused by
/// `verify` or decodes to records that mean the same thing: the very
/// records written, except perhaps for the spacing of a proof term (which
/// means the term it parses to) and an `attempt` that is still a
/// well-formed attempt of the run in order (which attempt made a theorem is
/// provenance that only rerunning the generator could confirm).
#[test]
fn every_byte_change_of_a_bin_shard_is_refused_or_harmless() {
    use proofmill_corpora::corpus::{decode_bin, verify_dir, Verifier};
    let dir = tmp("flips");
    generate(
        &dir,
        &[
            "--count",
            "2",
            "--seed",
            "9",
            "--steps",
            "2..3",
            "--max-size",
            "10",
            "--format",
            "bin",
            "--theory",
            "calculus",
        ],
    );
    let path = dir.join("shard-00000.bin");
    let bytes = std::fs::read(&path).unwrap();
    let original = decode_bin(&bytes, "shard").unwrap();
    // What records mean: a proof term means the term it parses to (its
    // spacing is free), and `attempt` is not compared.
    let nt = proofmill_kernel::with_kernel_stack(|| {
        proofmill_tactics::theory::Theory::shipped("calculus").map(|t| t.notations().clone())
    })
    .unwrap();
    let meaning = move |rs: &[proofmill_corpora::corpus::Record]| {
        let mut rs = rs.to_vec();
        for r in &mut rs {
            r.attempt.clear();
            if let Ok(t) = proofmill_tactics::parse::parse_term(&r.proof_term, &nt) {
                r.proof_term = proofmill_tactics::print::print_term(&t, &nt);
            }
        }
        rs
    };
    let d = dir.clone();
    let (refused, same, checked) = proofmill_kernel::with_kernel_stack(move || {
        let v = Verifier::open(&d).unwrap();
        let want = v.manifest().shards[0].records as usize;
        let body_len = bytes.len() - 32;
        let (mut refused, mut same, mut checked) = (0u64, 0u64, Vec::new());
        for i in 0..body_len {
            let mut values: Vec<u8> = (0..8).map(|b| bytes[i] ^ (1 << b)).collect();
            values.extend([0x00, 0x20, 0x30, 0xff]);
            values.retain(|&x| x != bytes[i]);
            values.dedup();
            for x in values {
                let mut m = bytes[..body_len].to_vec();
                m[i] = x;
                let sum = {
                    use sha2::Digest;
                    sha2::Sha256::digest(&m)
                };
                m.extend_from_slice(&sum);
                match decode_bin(&m, "shard") {
                    Err(_) => refused += 1,
                    Ok(recs) if recs == original => same += 1,
                    Ok(recs) if recs.len() != want => refused += 1,
                    Ok(recs) => {
                        let bad = v.check_records(&recs);
                        if bad.is_empty() && meaning(&recs) == meaning(&original) {
                            same += 1;
                            continue;
                        }
                        assert!(
                            !bad.is_empty(),
                            "byte {i} set to {x:#04x} was accepted: {recs:?}"
                        );
                        refused += 1;
                        if checked.len() < 8 && i % 97 == 0 {
                            checked.push(m);
                        }
                    }
                }
            }
        }
        (refused, same, checked)
    });
    eprintln!("flips: {refused} refused, {same} decode to the same records");
    assert!(refused > 1000);
    // A few of them through the whole of `verify`, the manifest rehashed.
    for m in checked {
        std::fs::write(&path, &m).unwrap();
        rehash(&dir);
        let d = dir.clone();
        let rep = proofmill_kernel::with_kernel_stack(move || verify_dir(&d, |_| {})).unwrap();
        assert!(!rep.bad.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `verify` checks records on many threads, then across records in order:
/// the verdict, every error line in order, is the same for any
/// `--threads`, on a corpus with bad records spread over it.
#[test]
fn the_verdict_does_not_depend_on_the_thread_count() {
    let d = tmp("threads");
    generate(&d, &["--count", "300", "--steps", "3..6", "--seed", "8"]);
    let shard = d.join("shard-00000.jsonl");
    let text = std::fs::read_to_string(&shard).unwrap();
    let mut rs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    rs[3]["proof_term"] = rs[4]["proof_term"].clone();
    rs[50]["steps"][0]["rule"] = "no_such_rule".into();
    rs[120]["statement"] = rs[121]["statement"].clone();
    rs[200]["id"] = rs[199]["id"].clone();
    let last = rs.len() - 1;
    rs[last]["difficulty"]["size"] = 1.into();
    let lines: Vec<String> = rs.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(&shard, lines.concat()).unwrap();
    rehash(&d);
    let verdict = |threads: &str| {
        let out = run(&["verify"], &d, &["--threads", threads]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let one = verdict("1");
    assert_eq!(one.0, Some(1), "{}", one.1);
    let errors = one.1.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(errors, 5, "{}", one.1);
    for threads in ["2", "3", "0"] {
        assert_eq!(verdict(threads), one, "--threads {threads}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `(s) rest` → `s`, `rest` (at a balanced parenthesis).
fn parenthesized(t: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, c) in t.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return (&t[1..i], &t[i + 1..]);
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced: {t}")
}

/// A proof term of format 4, `… Eq.trans (s₁) (Eq.trans (s₂) (s₃))`, as
/// format 3 wrote it: `… Eq.trans (Eq.trans (s₁) (s₂)) (s₃)`.
fn nested_to_the_left(proof: &str) -> String {
    let at = proof.find("Eq.trans (").unwrap_or(proof.len());
    let (head, mut rest) = proof.split_at(at);
    let mut steps = Vec::new();
    while let Some(r) = rest.strip_prefix("Eq.trans ") {
        let (s, r) = parenthesized(r);
        steps.push(s);
        rest = parenthesized(r.trim_start()).0;
    }
    let (last, tail) = match head.strip_suffix('(') {
        // `Iff.of_eq (chain)`: the chain ends before the last `)`.
        Some(_) => rest.split_at(rest.len() - 1),
        None => (rest, ""),
    };
    let mut out = head.to_string() + &"Eq.trans (".repeat(steps.len());
    for (i, s) in steps.iter().chain([&last]).enumerate() {
        if i > 0 {
            out.push_str(") (");
        }
        out.push_str(s);
        if i > 0 {
            out.push(')');
        }
    }
    out + tail
}

/// `verify` reads the format it writes and the one before it (whose proofs
/// nest `Eq.trans` to the left), and refuses the others.
#[test]
fn verify_reads_formats_3_and_4() {
    let d = tmp("formats");
    generate(&d, &["--count", "200", "--steps", "3..6", "--seed", "4"]);
    assert_eq!(verify(&d).0, 0);
    let mp = d.join("manifest.json");
    assert_eq!(read_json(&mp)["format_version"], 4);
    let shard = d.join("shard-00000.jsonl");
    let mut rs = lines(&shard);
    let mut changed = 0;
    for r in &mut rs {
        let p = r["proof_term"].as_str().unwrap().to_string();
        let left = nested_to_the_left(&p);
        changed += usize::from(left != p);
        r["proof_term"] = left.into();
    }
    assert!(changed > 150, "{changed} proofs are chains");
    write_lines(&shard, &rs);
    rehash(&d);
    let mut m = read_json(&mp);
    for (version, ok) in [(3, true), (4, true), (2, false), (5, false)] {
        m["format_version"] = version.into();
        std::fs::write(&mp, m.to_string()).unwrap();
        let (code, out) = verify(&d);
        assert_eq!(code == 0, ok, "version {version}: {out}");
        if !ok {
            assert!(
                out.contains(&format!(
                    "format version {version}, this proofmill reads 3 to 4"
                )),
                "{out}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}
