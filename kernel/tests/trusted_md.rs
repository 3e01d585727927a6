//! `TRUSTED.md` lists every kernel source file with its current line count.

use std::path::Path;

fn rs_files(dir: &Path, root: &Path, out: &mut Vec<(String, usize)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text.lines().count()));
        }
    }
}

#[test]
fn trusted_md_lists_every_source_file_with_its_line_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("TRUSTED.md")).unwrap();
    let mut files = Vec::new();
    rs_files(&root.join("src"), root, &mut files);
    let mut stale = Vec::new();
    for (f, n) in &files {
        let row = format!("| `{f}` | {n} |");
        if !doc.contains(&row) {
            stale.push(format!("{f} ({n} lines)"));
        }
    }
    assert!(
        stale.is_empty(),
        "kernel/TRUSTED.md is out of date for {stale:?}: run scripts/trusted.sh"
    );
}
