//! Bytes → UTF-8 text.
//!
//! What is recognised, in order:
//!
//! 1. a UTF-8 byte order mark (`EF BB BF`): UTF-8, the mark dropped;
//! 2. a UTF-16 mark (`FF FE` little-endian, `FE FF` big-endian): UTF-16,
//!    decoded with `encoding_rs` (unpaired surrogates become U+FFFD);
//! 3. no mark, but the first four bytes are two non-NUL bytes each
//!    followed (or preceded) by NUL: UTF-16LE (BE) without a mark, as some
//!    tools write it;
//! 4. anything else is read as UTF-8 for as long as it is valid UTF-8. At the
//!    first byte that is not, the rest of the file (from that byte on) is read
//!    as Windows-1252 and a [`Fallback`] note records where: its offset is in
//!    the *decoded* text, which is what every [`crate::source::Span`] counts.
//!
//! Switching at the first invalid sequence (rather than sniffing a prefix and
//! deciding for the whole file) keeps [`StreamDecoder`] streaming: it never
//! looks further ahead than one chunk. A Windows-1252 file whose accented
//! letters happen to form valid UTF-8 sequences before its first invalid byte
//! is vanishingly rare; such bytes would read as UTF-8.
//!
//! Offsets are those of the decoded text, without the byte order mark.

use std::io::{self, BufRead};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How much [`StreamDecoder`] reads from its input at a time.
pub const CHUNK: usize = 64 * 1024;

/// The encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a byte order mark).
    Utf8,
    /// UTF-16, little-endian, with a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte order mark.
    Utf16Be,
}

/// Where a file stopped being UTF-8 and was read as Windows-1252 from then on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// Offset, in the decoded text, of the character the first invalid byte
    /// became.
    pub offset: usize,
    /// The first byte that is not UTF-8.
    pub byte: u8,
}

impl Fallback {
    /// The label under the note: which byte, and what it was read as.
    pub fn label(&self) -> String {
        let byte = [self.byte];
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(&byte);
        format!(
            "byte 0x{:02X} is not UTF-8; read as {:?} (Windows-1252) from here on",
            self.byte, text
        )
    }
}

/// A whole file, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding found from the byte order mark (or its absence).
    pub encoding: Encoding,
    /// Set when part of the file was read as Windows-1252.
    pub fallback: Option<Fallback>,
}

/// Decodes a whole file held in memory.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut input: &[u8] = bytes;
    let mut dec = StreamDecoder::new(&mut input);
    let mut text = String::with_capacity(bytes.len());
    // Reading from a slice cannot fail.
    while let Ok(true) = dec.read_chunk(&mut text) {}
    Decoded {
        text,
        encoding: dec.encoding(),
        fallback: dec.fallback(),
    }
}

enum Mode {
    /// Not started: the byte order mark is still to be looked at.
    Start,
    /// UTF-8 so far; `pending` holds an incomplete sequence at a chunk end.
    Utf8 { pending: Vec<u8> },
    /// UTF-16 or Windows-1252, through `encoding_rs`.
    Coder(Decoder),
    /// Input exhausted.
    Done,
}

/// Decodes a byte stream chunk by chunk, never holding more than one chunk of
/// input. See the [module docs](self) for what it recognises.
pub struct StreamDecoder<'a> {
    input: &'a mut dyn BufRead,
    mode: Mode,
    encoding: Encoding,
    fallback: Option<Fallback>,
    /// Bytes read while looking for a byte order mark that are not part of it.
    prefix: Vec<u8>,
    /// Length of the text produced so far.
    produced: usize,
}

impl<'a> StreamDecoder<'a> {
    /// A decoder over `input`.
    pub fn new(input: &'a mut dyn BufRead) -> Self {
        StreamDecoder {
            input,
            mode: Mode::Start,
            encoding: Encoding::Utf8,
            fallback: None,
            prefix: Vec::new(),
            produced: 0,
        }
    }

    /// The encoding recognised (valid after the first [`Self::read_chunk`]).
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Where the file fell back to Windows-1252, once that has happened.
    pub fn fallback(&self) -> Option<Fallback> {
        self.fallback
    }

    /// Appends the next piece of text to `out`. Returns `false` once the
    /// input is exhausted (and nothing more was appended).
    pub fn read_chunk(&mut self, out: &mut String) -> io::Result<bool> {
        if let Mode::Done = self.mode {
            return Ok(false);
        }
        if let Mode::Start = self.mode {
            self.start()?;
        }
        let before = out.len();
        let mut raw = std::mem::take(&mut self.prefix);
        raw.reserve(CHUNK);
        let eof = self.fill(&mut raw)?;
        let mode = std::mem::replace(&mut self.mode, Mode::Done);
        self.mode = match mode {
            Mode::Utf8 { mut pending } => {
                pending.extend_from_slice(&raw);
                self.utf8(&pending, eof, out, before)
            }
            Mode::Coder(mut dec) => {
                coder(&mut dec, &raw, eof, out);
                Mode::Coder(dec)
            }
            other => other,
        };
        if eof {
            self.mode = Mode::Done;
        }
        self.produced += out.len() - before;
        Ok(out.len() > before || !eof)
    }

    /// Reads up to [`CHUNK`] more bytes into `raw`; true at end of input.
    fn fill(&mut self, raw: &mut Vec<u8>) -> io::Result<bool> {
        let target = raw.len() + CHUNK;
        while raw.len() < target {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(true);
            }
            let n = buf.len().min(target - raw.len());
            raw.extend_from_slice(&buf[..n]);
            self.input.consume(n);
        }
        Ok(false)
    }

    /// Looks at the byte order mark and sets the mode.
    fn start(&mut self) -> io::Result<()> {
        let mut head = Vec::with_capacity(4);
        while head.len() < 4 {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(4 - head.len());
            head.extend_from_slice(&buf[..n]);
            self.input.consume(n);
        }
        let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.mode = Mode::Utf8 { pending: vec![] };
            3
        } else if head.starts_with(&[0xFF, 0xFE]) {
            self.encoding = Encoding::Utf16Le;
            self.mode = Mode::Coder(UTF_16LE.new_decoder_without_bom_handling());
            2
        } else if head.starts_with(&[0xFE, 0xFF]) {
            self.encoding = Encoding::Utf16Be;
            self.mode = Mode::Coder(UTF_16BE.new_decoder_without_bom_handling());
            2
        } else if let [a, 0, b, 0] = head[..] {
            // No mark, but two ASCII characters as UTF-16LE (`i\0d\0`).
            if a != 0 && b != 0 {
                self.encoding = Encoding::Utf16Le;
                self.mode = Mode::Coder(UTF_16LE.new_decoder_without_bom_handling());
            } else {
                self.mode = Mode::Utf8 { pending: vec![] };
            }
            0
        } else if let [0, a, 0, b] = head[..] {
            if a != 0 && b != 0 {
                self.encoding = Encoding::Utf16Be;
                self.mode = Mode::Coder(UTF_16BE.new_decoder_without_bom_handling());
            } else {
                self.mode = Mode::Utf8 { pending: vec![] };
            }
            0
        } else {
            self.mode = Mode::Utf8 { pending: vec![] };
            0
        };
        self.prefix = head.split_off(skip);
        Ok(())
    }

    /// Decodes UTF-8 `bytes`, keeping an incomplete trailing sequence for the
    /// next chunk, or switching to Windows-1252 at the first invalid byte.
    /// Returns the mode for the next chunk.
    fn utf8(&mut self, bytes: &[u8], eof: bool, out: &mut String, before: usize) -> Mode {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                Mode::Utf8 { pending: vec![] }
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid_up_to` ends on a character boundary.
                if let Ok(s) = std::str::from_utf8(valid) {
                    out.push_str(s);
                }
                if e.error_len().is_none() && !eof {
                    // An incomplete sequence at the chunk's end: wait for more.
                    return Mode::Utf8 {
                        pending: rest.to_vec(),
                    };
                }
                self.fallback = Some(Fallback {
                    offset: self.produced + (out.len() - before),
                    byte: rest.first().copied().unwrap_or(0),
                });
                let mut dec = WINDOWS_1252.new_decoder_without_bom_handling();
                coder(&mut dec, rest, eof, out);
                Mode::Coder(dec)
            }
        }
    }
}

/// Runs an `encoding_rs` decoder over `src`, appending to `out`.
fn coder(dec: &mut Decoder, mut src: &[u8], last: bool, out: &mut String) {
    loop {
        let need = dec
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len().saturating_mul(3))
            .max(16);
        out.reserve(need);
        let (result, read, _) = dec.decode_to_string(src, out, last);
        src = &src[read..];
        if let encoding_rs::CoderResult::InputEmpty = result {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(bytes: &[u8], cap: usize) -> Decoded {
        let mut r = io::BufReader::with_capacity(cap, bytes);
        let mut dec = StreamDecoder::new(&mut r);
        let mut text = String::new();
        while dec.read_chunk(&mut text).unwrap() {}
        Decoded {
            text,
            encoding: dec.encoding(),
            fallback: dec.fallback(),
        }
    }

    #[test]
    fn plain_utf8() {
        let d = decode("id,vendor\n1,Hikvision é\n".as_bytes());
        assert_eq!(d.text, "id,vendor\n1,Hikvision é\n");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.fallback, None);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let d = decode(b"\xEF\xBB\xBFid\n");
        assert_eq!(d.text, "id\n");
        assert_eq!(d.fallback, None);
    }

    #[test]
    fn short_inputs() {
        assert_eq!(decode(b"").text, "");
        assert_eq!(decode(b"a").text, "a");
        assert_eq!(decode(b"\xEF\xBB").text, "ï»");
        assert_eq!(decode(b"\xFF\xFE").text, "");
    }

    #[test]
    fn utf16_le_and_be() {
        let s = "id,vendor\n1,Dahua ü\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&le);
        assert_eq!((d.text.as_str(), d.encoding), (s, Encoding::Utf16Le));
        let d = decode(&be);
        assert_eq!((d.text.as_str(), d.encoding), (s, Encoding::Utf16Be));
        // Tiny reads split code units across chunks.
        assert_eq!(chunked(&le, 1).text, s);
        // Without the mark, recognised by the NULs of ASCII text.
        let d = decode(&le[2..]);
        assert_eq!((d.text.as_str(), d.encoding), (s, Encoding::Utf16Le));
        let d = decode(&be[2..]);
        assert_eq!((d.text.as_str(), d.encoding), (s, Encoding::Utf16Be));
    }

    #[test]
    fn windows_1252_fallback_with_note() {
        let d = decode(b"id,site\n1,Caf\xE9 \x80\n");
        assert_eq!(d.text, "id,site\n1,Café €\n");
        let f = d.fallback.unwrap();
        assert_eq!(f.byte, 0xE9);
        assert_eq!(&d.text[f.offset..], "é €\n");
        assert!(f.label().contains("0xE9"), "{}", f.label());
    }

    #[test]
    fn utf8_split_across_chunks_is_not_a_fallback() {
        let s = "é".repeat(CHUNK);
        let d = chunked(s.as_bytes(), 7);
        assert_eq!(d.text, s);
        assert_eq!(d.fallback, None);
    }

    #[test]
    fn fallback_offset_after_several_chunks() {
        let mut bytes = "a".repeat(CHUNK + 5).into_bytes();
        bytes.extend_from_slice(b"\xE9z");
        let d = chunked(&bytes, 1000);
        let f = d.fallback.unwrap();
        assert_eq!(f.offset, CHUNK + 5);
        assert_eq!(&d.text[f.offset..], "éz");
    }

    #[test]
    fn truncated_sequence_at_end_falls_back() {
        let d = decode(b"ab\xC3");
        assert_eq!(d.text, "abÃ");
        assert_eq!(d.fallback.unwrap().offset, 2);
    }
}
