//! The shard files of a run, written in order on a thread of their own.
//!
//! Writing a file (streaming it to disk and hashing it) is serial work: done
//! by the driver between parallel phases, it left the other cores idle for a
//! few milliseconds a file. The driver hands each file's serialized records
//! to the sink and goes on with the next walks; the sink writes them in the
//! order given, each to a temporary name renamed when complete, and at the
//! end returns the manifest's shard list. At most `QUEUE` files wait, so
//! memory stays bounded; the first failure stops the sink, and the driver
//! learns of it at its next hand-over or at the end.

use proofmill_corpora::corpus::{self, ShardError, ShardInfo};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

/// Files handed over and not yet written.
const QUEUE: usize = 2;

/// What one shard file holds.
pub enum Contents {
    /// Lines made by `corpus::jsonl_line`.
    Jsonl(Vec<Vec<u8>>),
    /// Entries made by `corpus::bin_entry`.
    Bin(Vec<Vec<u8>>),
    /// A complete file of an earlier run (`--resume`), kept as it is, with
    /// the sha256 that run's manifest gave it.
    Kept { sha256: String },
}

/// One shard file to write (or keep), with its record count.
pub struct ShardFile {
    pub path: PathBuf,
    pub records: u64,
    pub contents: Contents,
}

/// A hand-over refused because the writer has stopped (`Sink::finish` says why).
#[derive(Debug, thiserror::Error)]
#[error("the shard writer stopped")]
pub struct WriterStopped;

/// What the sink tells as it begins (sha256 empty) and finishes each file:
/// the run's manifest is rewritten from it.
pub type OnEntry<'scope> = Box<dyn FnMut(ShardInfo) -> Result<(), String> + Send + 'scope>;

/// The sink's side of the hand-over; `finish` waits for the last file.
pub struct Sink<'scope> {
    queue: SyncSender<ShardFile>,
    writer: ScopedJoinHandle<'scope, Result<Vec<ShardInfo>, String>>,
}

impl<'scope> Sink<'scope> {
    /// Starts the writer thread in `scope`; `on_entry` hears of each file
    /// as it is begun and finished.
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        on_entry: OnEntry<'scope>,
    ) -> Sink<'scope> {
        let (queue, files) = sync_channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("proofmill-writer".into())
            .spawn_scoped(scope, move || write_all(files, on_entry))
            .expect("spawn the shard writer");
        Sink { queue, writer }
    }

    /// Hands a file over (waiting while `QUEUE` files are waiting).
    pub fn send(&self, file: ShardFile) -> Result<(), WriterStopped> {
        self.queue.send(file).map_err(|_| WriterStopped)
    }

    /// Waits until every file handed over is written; the shard list, in order.
    pub fn finish(self) -> Result<Vec<ShardInfo>, String> {
        drop(self.queue);
        match self.writer.join() {
            Ok(r) => r,
            Err(_) => Err("the shard writer panicked".into()),
        }
    }
}

fn write_all(
    files: Receiver<ShardFile>,
    mut on_entry: OnEntry<'_>,
) -> Result<Vec<ShardInfo>, String> {
    let mut shards = Vec::new();
    for f in files {
        let file = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let entry = |sha256: String| ShardInfo {
            file: file.clone(),
            records: f.records,
            sha256,
        };
        if !matches!(f.contents, Contents::Kept { .. }) {
            on_entry(entry(String::new()))?;
        }
        let sha256 = match &f.contents {
            Contents::Jsonl(lines) => corpus::write_jsonl_lines(&f.path, lines),
            Contents::Bin(entries) => corpus::write_bin_entries(&f.path, entries),
            Contents::Kept { sha256 } => Ok(sha256.clone()),
        }
        .map_err(|e: ShardError| e.to_string())?;
        on_entry(entry(sha256.clone()))?;
        shards.push(entry(sha256));
        // The file's buffers are freed here, off the driver's thread.
    }
    Ok(shards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("proofmill-sink-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn files_are_written_in_the_order_handed_over() {
        let d = dir("order");
        let shards = std::thread::scope(|s| {
            let sink = Sink::start(s, Box::new(|_| Ok(())));
            for i in 0..5u8 {
                let lines = vec![vec![b'a' + i, b'\n']; usize::from(i) + 1];
                sink.send(ShardFile {
                    path: d.join(format!("f{i}.jsonl")),
                    records: u64::from(i) + 1,
                    contents: Contents::Jsonl(lines),
                })
                .unwrap();
            }
            sink.finish()
        })
        .unwrap();
        let names: Vec<&str> = shards.iter().map(|s| s.file.as_str()).collect();
        assert_eq!(
            names,
            ["f0.jsonl", "f1.jsonl", "f2.jsonl", "f3.jsonl", "f4.jsonl"]
        );
        for (i, s) in shards.iter().enumerate() {
            let bytes = std::fs::read(d.join(&s.file)).unwrap();
            assert_eq!(bytes.len(), 2 * (i + 1));
            assert_eq!(s.records, i as u64 + 1);
            assert_eq!(s.sha256, corpus::sha256_hex(&bytes));
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_write_stops_the_sink_and_says_why() {
        let d = dir("fail");
        let missing = d.join("no-such-dir").join("f.jsonl");
        let r = std::thread::scope(|s| {
            let sink = Sink::start(s, Box::new(|_| Ok(())));
            sink.send(ShardFile {
                path: missing.clone(),
                records: 1,
                contents: Contents::Jsonl(vec![b"x\n".to_vec()]),
            })
            .unwrap();
            // Later hand-overs are refused once the writer has stopped.
            let mut refused = false;
            for _ in 0..100 {
                let f = ShardFile {
                    path: d.join("later.jsonl"),
                    records: 1,
                    contents: Contents::Jsonl(vec![b"y\n".to_vec()]),
                };
                if sink.send(f).is_err() {
                    refused = true;
                    break;
                }
            }
            (refused, sink.finish())
        });
        assert!(r.0, "the stopped writer keeps taking files");
        let e = r.1.unwrap_err();
        assert!(e.contains("no-such-dir"), "{e}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
