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
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn io(file: &Path, e: std::io::Error) -> ShardError {
    ShardError::Io {
        file: file.display().to_string(),
        msg: e.to_string(),
    }
}

/// Streams `parts` to `path.tmp` through a buffer, hashing as it goes, then
/// renames it to `path`; returns the file's sha256. With `checksum`, the
/// sha256 of everything before it is appended (the bincode shard's trailer).
fn write_streamed<'p>(
    path: &Path,
    parts: impl IntoIterator<Item = &'p [u8]>,
    checksum: bool,
) -> Result<String, ShardError> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        out.write_all(part).map_err(|e| io(&tmp, e))?;
    }
    if checksum {
        let sum = hasher.clone().finalize();
        hasher.update(sum);
        out.write_all(&sum).map_err(|e| io(&tmp, e))?;
    }
    out.flush().map_err(|e| io(&tmp, e))?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    Ok(hex(&hasher.finalize()))
}

pub fn write_jsonl(path: &Path, records: &[Record]) -> Result<String, ShardError> {
    let lines = records
        .iter()
        .map(jsonl_line)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ShardError::BadFile {
            file: path.display().to_string(),
            msg: e.to_string(),
        })?;
    write_jsonl_lines(path, &lines)
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
/// complete); returns the file's sha256. The lines are streamed and hashed
/// as they go, not joined into one buffer first.
pub fn write_jsonl_lines(path: &Path, lines: &[Vec<u8>]) -> Result<String, ShardError> {
    write_streamed(path, lines.iter().map(Vec::as_slice), false)
}

/// Largest shard file read (1,000 records of a few KB each are far below it).
pub const MAX_SHARD_BYTES: u64 = 1 << 30;

/// Reads a file of at most `max` bytes; a larger one is refused before it
/// is read (its size is checked first, and reading stops past `max` should
/// it grow meanwhile).
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = f
        .metadata()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    if len > max {
        return Err(format!(
            "{}: {len} bytes, more than the limit of {max}",
            path.display()
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{}: more than the limit of {max} bytes",
            path.display()
        ));
    }
    Ok(bytes)
}

fn read_shard(path: &Path) -> Result<Vec<u8>, ShardError> {
    read_limited(path, MAX_SHARD_BYTES).map_err(|msg| ShardError::Io {
        file: path.display().to_string(),
        msg,
    })
}

pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, ShardError> {
    decode_jsonl(&read_shard(path)?, &path.display().to_string())
}

/// The records of a JSONL shard's bytes (`file` names it in errors).
pub fn decode_jsonl(bytes: &[u8], file: &str) -> Result<Vec<Record>, ShardError> {
    let file = file.to_string();
    let text = std::str::from_utf8(bytes).map_err(|e| ShardError::BadFile {
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

/// bincode's standard configuration, with a limit on what one record may
/// claim: a length prefix inside a record (a string's, a list's) larger than
/// that is an error before anything is allocated (without it, a forged
/// shard made the decoder allocate what a length claimed and abort: found
/// by the `bincode` fuzz target). The limit changes no encoded byte.
fn config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<{ MAX_RECORD_BYTES as usize }>,
> {
    bincode::config::standard().with_limit::<{ MAX_RECORD_BYTES as usize }>()
}

pub fn write_bin(path: &Path, records: &[Record]) -> Result<String, ShardError> {
    let entries = records
        .iter()
        .map(bin_entry)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ShardError::BadFile {
            file: path.display().to_string(),
            msg: e.to_string(),
        })?;
    write_bin_entries(path, &entries)
}

/// One record as a bincode shard entry (length prefix and encoding): what
/// `write_bin` writes for it, so that callers can encode records in parallel
/// and write the entries with `write_bin_entries`.
pub fn bin_entry(r: &Record) -> Result<Vec<u8>, bincode::error::EncodeError> {
    let mut out = vec![0u8; 4];
    bincode::serde::encode_into_std_write(r, &mut out, config())?;
    let len = u32::try_from(out.len() - 4).map_err(|_| {
        bincode::error::EncodeError::OtherString("a record longer than 4 GiB".into())
    })?;
    out[..4].copy_from_slice(&len.to_le_bytes());
    Ok(out)
}

/// Writes entries made by `bin_entry` as a bincode shard (header, entries,
/// checksum; to a temporary name, renamed when complete); returns the file's
/// sha256.
pub fn write_bin_entries(path: &Path, entries: &[Vec<u8>]) -> Result<String, ShardError> {
    let version = BIN_VERSION.to_le_bytes();
    let count = (entries.len() as u64).to_le_bytes();
    let header = [BIN_MAGIC.as_slice(), &version, &count];
    write_streamed(
        path,
        header.into_iter().chain(entries.iter().map(Vec::as_slice)),
        true,
    )
}

pub fn read_bin(path: &Path) -> Result<Vec<Record>, ShardError> {
    decode_bin(&read_shard(path)?, &path.display().to_string())
}

/// The records of a bincode shard's bytes (`file` names it in errors).
pub fn decode_bin(bytes: &[u8], file: &str) -> Result<Vec<Record>, ShardError> {
    let file = file.to_string();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A shard with a right checksum whose one record claims a string of
    /// 2⁶³ bytes: an error, not an allocation that aborts the process.
    #[test]
    fn a_forged_length_inside_a_record_is_an_error() {
        let mut entry = vec![253u8];
        entry.extend_from_slice(&(1u64 << 63).to_le_bytes());
        let mut body = BIN_MAGIC.to_vec();
        body.extend_from_slice(&BIN_VERSION.to_le_bytes());
        body.extend_from_slice(&1u64.to_le_bytes());
        body.extend_from_slice(&(entry.len() as u32).to_le_bytes());
        body.extend_from_slice(&entry);
        let sum = Sha256::digest(&body);
        body.extend_from_slice(&sum);
        let e = decode_bin(&body, "forged.bin").unwrap_err();
        assert!(matches!(e, ShardError::BadRecord { index: 0, .. }), "{e}");
    }
}
