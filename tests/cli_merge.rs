//! `proofmill merge OUT SHARD_DIR…`: the shards of a split run merge into
//! the very directory the single run writes (every file byte for byte, the
//! manifest included), which `verify` accepts; and inputs that are not the
//! N shards of one run, or that were tampered with, are refused with a
//! message naming what is wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn proofmill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(args)
        .output()
        .expect("run proofmill")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout)
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `generate` with the options every run here shares, and `extra`.
fn generate(out: &Path, extra: &[&str]) {
    let o = s(out);
    let mut args = vec![
        "generate",
        "--theory",
        "ring",
        "--count",
        "2300",
        "--seed",
        "7",
        "--format",
        "jsonl,bin",
        "--threads",
        "2",
        "--out",
        &o,
    ];
    args.extend_from_slice(extra);
    let r = proofmill(&args);
    assert!(r.status.success(), "generate {extra:?}: {}", text(&r));
}

/// Every file of `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn merge(out: &Path, shards: &[&Path]) -> Output {
    let mut args = vec!["merge".to_string(), s(out)];
    args.extend(shards.iter().map(|p| s(p)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    proofmill(&args)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for (name, bytes) in files(from) {
        std::fs::write(to.join(name), bytes).unwrap();
    }
}

/// Merges `shards` into a fresh `out` and expects failure `code` with `needle`.
fn refused(root: &Path, shards: &[&Path], code: i32, needle: &str) {
    let out = root.join("refused");
    std::fs::remove_dir_all(&out).ok();
    let r = merge(&out, shards);
    assert_eq!(r.status.code(), Some(code), "{needle}: {}", text(&r));
    assert!(
        text(&r).contains(needle),
        "expected {needle:?} in {}",
        text(&r)
    );
}

#[test]
fn shards_merge_into_the_single_run_byte_for_byte_and_bad_inputs_are_refused() {
    let root = std::env::temp_dir().join(format!("proofmill-merge-{}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    let single = root.join("single");
    generate(&single, &[]);
    let shard: Vec<PathBuf> = (0..3)
        .map(|k| {
            let d = root.join(format!("part{k}"));
            generate(&d, &["--shard", &format!("{k}/3")]);
            d
        })
        .collect();
    let merged = root.join("merged");
    // In any order.
    let r = merge(&merged, &[&shard[2], &shard[0], &shard[1]]);
    assert!(r.status.success(), "merge: {}", text(&r));
    assert!(
        text(&r).contains("merged 3 shards: 2300 records"),
        "{}",
        text(&r)
    );
    let (want, got) = (files(&single), files(&merged));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want));
    for ((name, a), (_, b)) in want.iter().zip(&got) {
        assert!(a == b, "{name} differs from the single run's");
    }
    let v = proofmill(&["verify", &s(&merged)]);
    assert!(v.status.success(), "verify: {}", text(&v));

    let (a, b, c) = (shard[0].as_path(), shard[1].as_path(), shard[2].as_path());
    refused(&root, &[a, c], 1, "shard 1 of 3 is missing");
    refused(&root, &[a, b, b, c], 1, "are both shard 1 of 3");
    refused(&root, &[a, &single], 1, "made with other split");
    // The output must be empty or new.
    let r = merge(&merged, &[a, b, c]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    assert!(text(&r).contains("is not empty"), "{}", text(&r));
    // A shard of another run (another seed).
    let other = root.join("other");
    let o = proofmill(&[
        "generate",
        "--theory",
        "ring",
        "--count",
        "50",
        "--seed",
        "8",
        "--format",
        "jsonl,bin",
        "--shard",
        "1/3",
        "--out",
        &s(&other),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    refused(&root, &[a, &other, c], 1, "made with other");
    // No manifest at all.
    let empty = root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    refused(&root, &[a, &empty, c], 2, "manifest.json");
    // A tampered shard file: one byte of a record changed.
    let edited = root.join("edited");
    copy_dir(b, &edited);
    let f = edited.join("shard-1-of-3-00000.jsonl");
    let mut bytes = std::fs::read(&f).unwrap();
    let i = bytes.iter().position(|&c| c == b'+').unwrap();
    bytes[i] = b'*';
    std::fs::write(&f, bytes).unwrap();
    refused(
        &root,
        &[a, &edited, c],
        1,
        "sha256 differs from the manifest",
    );
    // A shard whose run was interrupted.
    let cut = root.join("cut");
    copy_dir(b, &cut);
    let m = cut.join("manifest.json");
    let t = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, t.replace("\"complete\": true", "\"complete\": false")).unwrap();
    refused(&root, &[a, &cut, c], 1, "the run did not complete");
    std::fs::remove_dir_all(&root).ok();
}
