//! Where every value came from: byte spans and the text needed to show them.
//!
//! A [`Span`] is a byte range in a file's decoded UTF-8 text. A [`Snippet`]
//! holds part of a file (a whole structured file, or one CSV row while
//! streaming) together with where that part starts, so a finding can be
//! rendered long after the rest of the file is gone.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A byte range in a file's decoded text.
pub type Span = Range<usize>;

/// How much of a line either side of a span [`Snippet::masked`] keeps.
pub const MASK_CONTEXT: usize = 240;

/// A value together with the bytes it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// Maps the value, keeping the span.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    /// Borrows the value, keeping the span.
    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span.clone(),
        }
    }
}

/// A line and column position, 1-based; columns count Unicode scalar values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A contiguous piece of a file's decoded text, starting at a line start.
///
/// Cloning is cheap: everything is shared, and a snippet is one pointer.
#[derive(Clone)]
pub struct Snippet(Arc<Inner>);

struct Inner {
    name: Arc<str>,
    text: Arc<str>,
    offset: usize,
    first_line: usize,
    first_column: usize,
    /// Byte offsets just after each newline, built on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl fmt::Debug for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snippet")
            .field("name", &self.0.name)
            .field("offset", &self.0.offset)
            .field("first_line", &self.0.first_line)
            .field("len", &self.0.text.len())
            .finish()
    }
}

impl Snippet {
    /// A whole file.
    pub fn whole(name: Arc<str>, text: Arc<str>) -> Self {
        Snippet(Arc::new(Inner {
            name,
            text,
            offset: 0,
            first_line: 1,
            first_column: 0,
            line_starts: std::sync::OnceLock::new(),
        }))
    }

    /// Part of a file: `text` starts at byte `offset`, which is the start of
    /// 1-based line `first_line`.
    pub fn part(name: Arc<str>, text: Arc<str>, offset: usize, first_line: usize) -> Self {
        Snippet(Arc::new(Inner {
            name,
            text,
            offset,
            first_line,
            first_column: 0,
            line_starts: std::sync::OnceLock::new(),
        }))
    }

    /// A piece of a line: `text` starts at byte `offset`, on 1-based line
    /// `line`, after `column` characters of that line. Used to keep a single
    /// value (an asset id) for a later diagnostic without its whole row.
    pub fn fragment(
        name: Arc<str>,
        text: Arc<str>,
        offset: usize,
        line: usize,
        column: usize,
    ) -> Self {
        Snippet(Arc::new(Inner {
            name,
            text,
            offset,
            first_line: line,
            first_column: column,
            line_starts: std::sync::OnceLock::new(),
        }))
    }

    /// The same part of the same file, shown under `name` with `text`,
    /// which must have the same length in bytes (offsets stay valid): for
    /// a copy made safe to print.
    pub fn with_text(&self, name: Arc<str>, text: Arc<str>) -> Self {
        debug_assert_eq!(text.len(), self.0.text.len());
        Snippet(Arc::new(Inner {
            name,
            text,
            offset: self.0.offset,
            first_line: self.0.first_line,
            first_column: self.0.first_column,
            line_starts: std::sync::OnceLock::new(),
        }))
    }

    /// The file's display name (repository-relative, `/` separators).
    pub fn name(&self) -> &Arc<str> {
        &self.0.name
    }

    /// The text this snippet holds.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// Byte offset of the snippet's first byte in the file.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The file text covered by `span`, if this snippet holds it.
    pub fn slice(&self, span: &Span) -> Option<&str> {
        let start = span.start.checked_sub(self.0.offset)?;
        let end = span.end.checked_sub(self.0.offset)?;
        self.0.text.get(start..end)
    }

    /// The 1-based line and character column of a file byte offset.
    /// Offsets outside the snippet are clamped to it.
    pub fn position(&self, at: usize) -> Position {
        let rel = at.saturating_sub(self.0.offset).min(self.0.text.len());
        let mut rel = rel;
        while !self.0.text.is_char_boundary(rel) {
            rel -= 1;
        }
        let before = &self.0.text[..rel];
        // Lines before `rel`: by the cached line index for large snippets
        // (whole files, asked about many times), by counting for small ones.
        let (lines, line_start) = if self.0.text.len() > 1024 {
            let starts = self.0.line_starts.get_or_init(|| {
                self.0
                    .text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1)
                    .collect()
            });
            let n = starts.partition_point(|&s| s <= rel);
            (n, if n == 0 { 0 } else { starts[n - 1] })
        } else {
            (
                before.bytes().filter(|&b| b == b'\n').count(),
                before.rfind('\n').map_or(0, |i| i + 1),
            )
        };
        let line = self.0.first_line + lines;
        let mut column = before[line_start..].chars().count() + 1;
        if line_start == 0 {
            column += self.0.first_column;
        }
        Position { line, column }
    }

    /// Start and end positions of a span (the end is exclusive: the column
    /// after the last character, as SARIF counts it).
    pub fn range(&self, span: &Span) -> (Position, Position) {
        (self.position(span.start), self.position(span.end))
    }

    /// Whether two snippets are the same piece of text (clones of one).
    pub fn same(&self, other: &Snippet) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The lines of this snippet that `lines` touches (at most
    /// [`MASK_CONTEXT`] bytes either side of it), with every
    /// character replaced by a placeholder of the same UTF-8 length, except
    /// line breaks and the bytes of the `keep` spans. Byte offsets, line and
    /// column positions and [`Snippet::slice`] boundaries of spans on those
    /// lines are the same as in `self`; no other text is kept.
    pub fn masked(&self, lines: &Span, keep: &[Span]) -> Snippet {
        let text: &str = &self.0.text;
        let offset = self.0.offset;
        let clamp = |at: usize| {
            let mut at = at.saturating_sub(offset).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (from, to) = (clamp(lines.start), clamp(lines.end.max(lines.start)));
        // Whole lines, but no more than `MASK_CONTEXT` bytes either side of
        // the span: a minified JSON file is one long line.
        let start = text[..from]
            .rfind('\n')
            .map_or(0, |i| i + 1)
            .max(clamp(offset + from.saturating_sub(MASK_CONTEXT)));
        let end = text[to..]
            .find('\n')
            .map_or(text.len(), |i| to + i + 1)
            .min(clamp(offset + to + MASK_CONTEXT));
        let mut masked = String::with_capacity(end - start);
        for (i, c) in text[start..end].char_indices() {
            let at = offset + start + i;
            if c == '\n' || c == '\r' || keep.iter().any(|k| k.contains(&at)) {
                masked.push(c);
            } else {
                masked.push(match c.len_utf8() {
                    1 => '*',
                    2 => '\u{a4}',    // ¤
                    3 => '\u{2217}',  // ∗
                    _ => '\u{1f512}', // a 4-byte lock
                });
            }
        }
        let (first_line, first_column) = if start == 0 {
            (self.0.first_line, self.0.first_column)
        } else {
            let at = self.position(offset + start);
            (at.line, at.column - 1)
        };
        Snippet(Arc::new(Inner {
            name: self.0.name.clone(),
            text: masked.into(),
            offset: offset + start,
            first_line,
            first_column,
            line_starts: std::sync::OnceLock::new(),
        }))
    }
}

/// How many bytes of context lines, beyond the lines of the span itself,
/// a rendered excerpt may show; past it, the excerpt shows the span's own
/// lines only.
pub const MAX_CONTEXT_BYTES: usize = 4096;

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span
            .offset()
            .checked_sub(self.0.offset)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local = miette::SourceSpan::new(start.into(), span.len());
        let mut contents =
            self.0
                .text
                .read_span(&local, context_lines_before, context_lines_after)?;
        // Context lines are shown only while they are short: a finding next
        // to a megabyte line prints its own line, not the neighbour.
        if contents.data().len() > span.len() + MAX_CONTEXT_BYTES {
            let text = self.0.text.as_bytes();
            let end = (start + span.len()).min(text.len());
            let first = text[..start.min(end)]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let last = text[end..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(text.len(), |i| end + i);
            let lines = miette::SourceSpan::new(first.into(), last - first);
            contents = self.0.text.read_span(&lines, 0, 0)?;
        }
        let data = contents.data();
        // Translate the local span back into file coordinates.
        let data_start = data.as_ptr() as usize - self.0.text.as_ptr() as usize;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.name.to_string(),
            data,
            miette::SourceSpan::new((self.0.offset + data_start).into(), contents.span().len()),
            contents.line() + self.0.first_line - 1,
            if contents.line() == 0 {
                contents.column() + self.0.first_column
            } else {
                contents.column()
            },
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_context_lines_are_left_out() {
        use miette::SourceCode as _;
        let long = "x".repeat(100_000);
        let text = format!("id,vendor\n{long}\nA1,Acme\nA2,Bolt\n");
        let s = Snippet::whole("t.csv".into(), text.clone().into());
        let at = text.find("Acme").unwrap();
        let span = miette::SourceSpan::new(at.into(), 4);
        let shown = s.read_span(&span, 1, 1).unwrap();
        assert_eq!(std::str::from_utf8(shown.data()).unwrap(), "A1,Acme");
        assert_eq!(shown.line(), 2, "0-based line of the span's own line");
        // Short context lines are still shown.
        let at = text.find("Bolt").unwrap();
        let span = miette::SourceSpan::new(at.into(), 4);
        let shown = s.read_span(&span, 1, 0).unwrap();
        assert_eq!(
            std::str::from_utf8(shown.data()).unwrap(),
            "A1,Acme\nA2,Bolt"
        );
    }

    #[test]
    fn large_snippets_use_the_line_index_and_agree_with_counting() {
        let text: String = (0..300).map(|i| format!("row {i}, é\n")).collect();
        let s = Snippet::part("big.csv".into(), text.clone().into(), 10, 3);
        for at in (10..10 + text.len()).step_by(7) {
            let before = &text[..text.floor_char_boundary(at - 10)];
            let line = 3 + before.matches('\n').count();
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(s.position(at), Position { line, column }, "at {at}");
        }
    }

    #[test]
    fn a_masked_snippet_keeps_every_position_and_only_the_kept_text() {
        let text = "h,i\nNorthbridge Dépôt,10.0.0.7,Hikvision\nnext,row\n";
        let s = Snippet::part("f.csv".into(), text.into(), 40, 3);
        let row = 44..44 + "Northbridge Dépôt,10.0.0.7,Hikvision".len();
        let vendor = row.end - "Hikvision".len()..row.end;
        let m = s.masked(&(50..51), std::slice::from_ref(&vendor));
        assert_eq!(m.text(), "*************¤*¤***********Hikvision\n");
        assert_eq!(m.slice(&vendor), Some("Hikvision"));
        for at in row.start..=row.end {
            assert_eq!(m.position(at), s.position(at), "at {at}");
        }
        // The first line of a fragment keeps its column.
        let f = Snippet::fragment("f.csv".into(), "CAM-1".into(), 7, 2, 4);
        let m = f.masked(&(7..12), &[]);
        assert_eq!((m.text(), m.position(9)), ("*****", f.position(9)));
        // A long line is cut around the span, its positions kept.
        let line = format!("{}ü{}\n", "é".repeat(500), "x".repeat(900));
        let s = Snippet::whole("one.json".into(), line.as_str().into());
        let at = 1000..1002;
        let m = s.masked(&at, std::slice::from_ref(&at));
        assert!(
            m.text().len() <= 2 + 2 * MASK_CONTEXT + 1,
            "{}",
            m.text().len()
        );
        assert_eq!((m.slice(&at), m.range(&at)), (Some("ü"), s.range(&at)));
        assert_eq!(m.position(at.start + 100), s.position(at.start + 100));
    }

    #[test]
    fn positions_in_a_part() {
        let s = Snippet::part("f.csv".into(), "a,bé,c\nd,e\n".into(), 100, 5);
        assert_eq!(s.position(100), Position { line: 5, column: 1 });
        assert_eq!(s.position(104), Position { line: 5, column: 4 });
        assert_eq!(s.position(108), Position { line: 6, column: 1 });
        assert_eq!(s.slice(&(102..105)), Some("bé"));
        assert_eq!(s.slice(&(50..60)), None);
    }
}
