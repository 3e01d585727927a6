//! Shard files. JSONL: one record per line. Bincode: a magic header, the
//! format version, the record count, each record length-prefixed, and a
//! sha256 of everything before it. Both are written to a temporary name and
//! renamed when complete, so an interrupted run leaves only complete shards.

use super::record::Record;
use sha2::{Digest, Sha256};
use std::path::Path;

pub const BIN_MAGIC: &[u8; 8] = b"PMCORPUS";
pub const BIN_VERSION: u32 = 1;
/// A record longer than this is refused (a corrupt length prefix).
const MAX_RECORD_BYTES: u32 = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("{file}: {msg}")]
    Io { file: String, msg: String },
    #[error("{file}: record {index}: {msg}")]
    BadRecord {
        file: String,
        index: u64,
        msg: String,
    },
    #[error("{file}: {msg}")]
    BadFile { file: String, msg: String },
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn io(file: &Path, e: std::io::Error) -> ShardError {
    ShardError::Io {
        file: file.display().to_string(),
        msg: e.to_string(),
    }
}

/// Writes bytes to `path.tmp`, then renames; returns the bytes' sha256.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<String, ShardError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    Ok(sha256_hex(bytes))
}

pub fn write_jsonl(path: &Path, records: &[Record]) -> Result<String, ShardError> {
    let mut out = Vec::new();
    for r in records {
        out.extend(jsonl_line(r).map_err(|e| ShardError::BadFile {
            file: path.display().to_string(),
            msg: e.to_string(),
        })?);
    }
    write_atomic(path, &out)
}

/// One record as a JSONL line (with its newline): what `write_jsonl` writes
/// for it, so that callers can serialize records in parallel and write the
/// lines with `write_jsonl_lines`.
pub fn jsonl_line(r: &Record) -> Result<Vec<u8>, serde_json::Error> {
    // Room for a typical record, so the line is not regrown (and copied) as it is written.
    let mut out = Vec::with_capacity(4096);
    serde_json::to_writer(&mut out, r)?;
    out.push(b'\n');
    Ok(out)
}

/// Writes lines made by `jsonl_line` (to a temporary name, renamed when
/// complete, as `write_atomic`); returns the file's sha256. The lines are
/// streamed and hashed as they go, not joined into one buffer first.
pub fn write_jsonl_lines(path: &Path, lines: &[Vec<u8>]) -> Result<String, ShardError> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    for line in lines {
        hasher.update(line);
        out.write_all(line).map_err(|e| io(&tmp, e))?;
    }
    out.flush().map_err(|e| io(&tmp, e))?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, ShardError> {
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    let file = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|e| ShardError::BadFile {
        file: file.clone(),
        msg: format!("not UTF-8: {e}"),
    })?;
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(ShardError::BadFile {
            file,
            msg: "truncated: the last line has no newline".into(),
        });
    }
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ShardError::BadRecord {
                file: file.clone(),
                index: i as u64,
                msg: e.to_string(),
            })
        })
        .collect()
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn write_bin(path: &Path, records: &[Record]) -> Result<String, ShardError> {
    let mut out = Vec::new();
    out.extend_from_slice(BIN_MAGIC);
    out.extend_from_slice(&BIN_VERSION.to_le_bytes());
    out.extend_from_slice(&(records.len() as u64).to_le_bytes());
    for r in records {
        let b = bincode::serde::encode_to_vec(r, config()).map_err(|e| ShardError::BadFile {
            file: path.display().to_string(),
            msg: e.to_string(),
        })?;
        out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        out.extend_from_slice(&b);
    }
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    write_atomic(path, &out)
}

pub fn read_bin(path: &Path) -> Result<Vec<Record>, ShardError> {
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    let file = path.display().to_string();
    let bad = |msg: String| ShardError::BadFile {
        file: file.clone(),
        msg,
    };
    if bytes.len() < 8 + 4 + 8 + 32 {
        return Err(bad("truncated: shorter than the header and checksum".into()));
    }
    if &bytes[..8] != BIN_MAGIC {
        return Err(bad("not a proofmill bincode shard (bad magic)".into()));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != sum {
        return Err(bad("checksum mismatch (corrupt or truncated)".into()));
    }
    let version = u32::from_le_bytes(body[8..12].try_into().expect("4 bytes"));
    if version != BIN_VERSION {
        return Err(bad(format!(
            "format version {version}, expected {BIN_VERSION}"
        )));
    }
    let count = u64::from_le_bytes(body[12..20].try_into().expect("8 bytes"));
    let mut at = 20usize;
    let mut out = Vec::new();
    for index in 0..count {
        let rec_err = |msg: String| ShardError::BadRecord {
            file: file.clone(),
            index,
            msg,
        };
        if body.len() < at + 4 {
            return Err(rec_err("truncated length prefix".into()));
        }
        let len = u32::from_le_bytes(body[at..at + 4].try_into().expect("4 bytes"));
        at += 4;
        if len > MAX_RECORD_BYTES || body.len() < at + len as usize {
            return Err(rec_err(format!("length {len} runs past the end")));
        }
        let (r, used): (Record, usize) =
            bincode::serde::decode_from_slice(&body[at..at + len as usize], config())
                .map_err(|e| rec_err(e.to_string()))?;
        if used != len as usize {
            return Err(rec_err("trailing bytes in the record".into()));
        }
        at += len as usize;
        out.push(r);
    }
    if at != body.len() {
        return Err(bad("trailing bytes after the last record".into()));
    }
    Ok(out)
}
