//! Numbered lines from any `BufRead`, one at a time, each bounded in length,
//! so an export of any size is read in constant memory (beyond what it
//! defines) and a single absurd line cannot exhaust memory.

use super::error::{ImportError, Malformed};
use std::io::{BufRead, Read};

pub(crate) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    line_no: u64,
    max_len: usize,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, max_len: usize) -> Lines<R> {
        Lines {
            reader,
            buf: Vec::new(),
            line_no: 0,
            max_len,
        }
    }

    /// The next line (1-based number, text without the line break), or `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<(u64, &str)>, ImportError> {
        self.buf.clear();
        let limit = u64::try_from(self.max_len)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let n = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if self.buf.len() > self.max_len {
            return Err(ImportError::malformed(
                self.line_no,
                Malformed::LineTooLong {
                    limit: self.max_len,
                },
            ));
        }
        match std::str::from_utf8(&self.buf) {
            Ok(s) => Ok(Some((self.line_no, s))),
            Err(_) => Err(ImportError::malformed(self.line_no, Malformed::NotUtf8)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_stripped() {
        let mut l = Lines::new("a\r\nbb\n\nc".as_bytes(), 10);
        assert_eq!(l.next_line().unwrap(), Some((1, "a")));
        assert_eq!(l.next_line().unwrap(), Some((2, "bb")));
        assert_eq!(l.next_line().unwrap(), Some((3, "")));
        assert_eq!(l.next_line().unwrap(), Some((4, "c")));
        assert_eq!(l.next_line().unwrap(), None);
    }

    #[test]
    fn overlong_lines_are_refused() {
        let mut l = Lines::new("abcd\nabcdefgh\n".as_bytes(), 5);
        assert_eq!(l.next_line().unwrap(), Some((1, "abcd")));
        let e = l.next_line().unwrap_err();
        assert!(matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::LineTooLong { limit: 5 }
            }
        ));
    }
}
