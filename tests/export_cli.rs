//! `proofmill export`: a tampered or incomplete corpus is refused (exit 1,
//! naming the shard) before anything of it is written; bad arguments exit
//! 2; a non-empty output directory is refused without `--force`; splits are
//! deterministic, disjoint, the same in every format, and near the ratio.

use crate::export_common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Each problem's split, by file stem, from the directory it is in.
fn splits_of(out: &Path, ext: &str) -> BTreeMap<String, String> {
    files(out, ext)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(out).unwrap();
            let split = rel.components().next().unwrap();
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                split.as_os_str().to_string_lossy().into_owned(),
            )
        })
        .collect()
}

#[test]
fn a_tampered_corpus_is_refused_naming_the_shard() {
    let dir = tmp("cli-tampered");
    generate(&dir, "ring", 60, 5, "1..4");
    let shard = files(&dir, ".jsonl").pop().unwrap();
    let name = shard.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&shard).unwrap();
    // One rule name changed in one record: still a well-formed record.
    std::fs::write(&shard, text.replacen("add_comm", "add_comn", 1)).unwrap();
    let out = tmp("cli-tampered-out");
    let _ = std::fs::remove_dir_all(&out);
    let o = export(&dir, "tptp,smt2,coq", &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text_of(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&name) && err.contains("sha256"), "{err}");
    assert!(files(&out, ".p").is_empty() && files(&out, ".smt2").is_empty());
    assert!(!files(&out, ".v")
        .iter()
        .any(|v| std::fs::read_to_string(v).unwrap().contains("Lemma ")));

    // A missing shard, and an interrupted run, are refused too.
    std::fs::remove_file(&shard).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let o = export(&dir, "tptp", &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&name));
    generate(&dir, "ring", 20, 5, "1..4");
    let m = dir.join("manifest.json");
    let mt = std::fs::read_to_string(&m).unwrap();
    assert!(mt.contains("\"complete\": true"));
    std::fs::write(&m, mt.replace("\"complete\": true", "\"complete\": false")).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let o = export(&dir, "tptp", &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text_of(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("incomplete"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}

fn text_of(o: &std::process::Output) -> String {
    text(o)
}

#[test]
fn bad_arguments_exit_2() {
    let dir = tmp("cli-args");
    generate(&dir, "group", 10, 5, "1..3");
    let out = tmp("cli-args-out");
    let _ = std::fs::remove_dir_all(&out);
    for (to, extra) in [("nope", &[][..]), ("tptp", &["--split", "1,2"][..])] {
        let o = export(&dir, to, &out, extra);
        assert_eq!(o.status.code(), Some(2), "{to} {extra:?}: {}", text(&o));
    }
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let o = export(&dir, "tptp", &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));
    let o = export(&dir, "tptp", &out, &["--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn splits_are_deterministic_disjoint_and_the_same_in_every_format() {
    let dir = tmp("cli-splits");
    generate(&dir, "ring", 600, 9, "1..4");
    let (a, b) = (tmp("cli-splits-a"), tmp("cli-splits-b"));
    for out in [&a, &b] {
        let _ = std::fs::remove_dir_all(out);
        let o = export(&dir, "tptp,smt2", out, &["--split", "50,25,25"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("exported 600 records"), "{}", text(&o));
    }
    let tptp = splits_of(&a.join("tptp"), ".p");
    let smt2 = splits_of(&a.join("smt2"), ".smt2");
    assert_eq!(tptp.len(), 600, "each record once, in one split");
    assert_eq!(tptp, smt2);
    assert_eq!(tptp, splits_of(&b.join("tptp"), ".p"));
    for (f, g) in files(&a, "").iter().zip(files(&b, "")) {
        assert_eq!(std::fs::read(f).unwrap(), std::fs::read(&g).unwrap());
    }
    let count = |s: &str| tptp.values().filter(|v| *v == s).count();
    let (t, v, te) = (count("train"), count("validation"), count("test"));
    assert_eq!(t + v + te, 600);
    // 50/25/25 of 600, within about five standard deviations.
    assert!((240..=360).contains(&t), "{t} {v} {te}");
    assert!(
        (100..=200).contains(&v) && (100..=200).contains(&te),
        "{t} {v} {te}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}
