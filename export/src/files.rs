//! Where exported files go: per split (`train/`, `validation/`, `test/`),
//! and in directories of at most 1,000 entries (`train/00000/`, …), so a
//! corpus of millions of records never makes a directory too large to list.
//! File stems come from record ids (`ring/s1/000042` → `ring_s1_000042`).

use crate::error::ExportError;
use crate::split::Split;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Entries (files) per directory.
pub const PER_DIR: u64 = 1000;

/// A record id as a file stem and identifier: ASCII letters and digits
/// kept, anything else `_` (ids are `label/sSEED/NNNNNN`, unique in a corpus).
pub fn id_stem(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Numbered directories under `root/<split>/`, filled in order.
#[derive(Debug)]
pub struct SplitDirs {
    root: PathBuf,
    counts: [u64; 3],
}

impl SplitDirs {
    pub fn new(root: &Path) -> SplitDirs {
        SplitDirs {
            root: root.to_path_buf(),
            counts: [0; 3],
        }
    }

    /// The directory of the next entry of `split` (created when first used).
    pub fn next_dir(&mut self, split: Split) -> Result<PathBuf, ExportError> {
        let n = self.counts[split as usize];
        self.counts[split as usize] += 1;
        let dir = self
            .root
            .join(split.name())
            .join(format!("{:05}", n / PER_DIR));
        if n.is_multiple_of(PER_DIR) {
            std::fs::create_dir_all(&dir).map_err(ExportError::io(&dir))?;
        }
        Ok(dir)
    }

    /// Entries made, per split.
    pub fn counts(&self) -> [u64; 3] {
        self.counts
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Writes `bytes` to `path` (a new file).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let mut f = std::fs::File::create(path).map_err(ExportError::io(path))?;
    f.write_all(bytes).map_err(ExportError::io(path))
}
