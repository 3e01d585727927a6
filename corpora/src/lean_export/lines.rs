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
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let read = self.next_raw_line(&mut buf);
        self.buf = buf;
        let Some((line_no, end)) = read? else {
            return Ok(None);
        };
        match std::str::from_utf8(&self.buf[..end]) {
            Ok(s) => Ok(Some((line_no, s))),
            Err(_) => Err(ImportError::malformed(line_no, Malformed::NotUtf8)),
        }
    }

    /// Appends the next line's bytes, without the line break, to `out` and
    /// returns its number and where it ends in `out` (it starts at the
    /// length `out` had); `None` at the end. The text is not checked to be
    /// UTF-8: the caller does that, and reports `Malformed::NotUtf8` for
    /// the line if it is not. (On an error, `out` may have grown.)
    pub(crate) fn next_raw_line(
        &mut self,
        out: &mut Vec<u8>,
    ) -> Result<Option<(u64, usize)>, ImportError> {
        let start = out.len();
        let limit = u64::try_from(self.max_len)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let n = (&mut self.reader).take(limit).read_until(b'\n', out)?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        if out.last() == Some(&b'\n') {
            out.pop();
            if out.len() > start && out.last() == Some(&b'\r') {
                out.pop();
            }
        } else if out.len() - start > self.max_len {
            return Err(ImportError::malformed(
                self.line_no,
                Malformed::LineTooLong {
                    limit: self.max_len,
                },
            ));
        }
        Ok(Some((self.line_no, out.len())))
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
    fn raw_lines_are_appended() {
        let mut l = Lines::new("a\r\nbb\n\r\n\nc\r".as_bytes(), 10);
        let mut out = b"x".to_vec();
        assert_eq!(l.next_raw_line(&mut out).unwrap(), Some((1, 2)));
        assert_eq!(l.next_raw_line(&mut out).unwrap(), Some((2, 4)));
        assert_eq!(l.next_raw_line(&mut out).unwrap(), Some((3, 4)));
        assert_eq!(l.next_raw_line(&mut out).unwrap(), Some((4, 4)));
        assert_eq!(l.next_raw_line(&mut out).unwrap(), Some((5, 6)));
        assert_eq!(l.next_raw_line(&mut out).unwrap(), None);
        assert_eq!(out, b"xabbc\r");
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
