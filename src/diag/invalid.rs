//! [`Invalid`]: a problem with the run's own inputs (config, policy,
//! catalog, arguments) that stops the run with exit code 2.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, SourceCode};

use crate::source::{Snippet, Span};

/// One problem in a config, policy or catalog file, at a place in it.
#[derive(Clone, Debug)]
pub struct Invalid {
    /// A kebab-case code, e.g. `policy::unknown-field`.
    pub code: &'static str,
    /// One line saying what is wrong.
    pub message: String,
    /// The file and where; `None` for problems without a place.
    pub at: Option<(Snippet, Span)>,
    /// What is wrong at that spot.
    pub label: String,
    /// What to do.
    pub help: Option<String>,
}

impl Invalid {
    /// A problem at a place in a file.
    pub fn at(
        code: &'static str,
        message: impl Into<String>,
        snippet: &Snippet,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Invalid {
            code,
            message: message.into(),
            at: Some((snippet.clone(), span)),
            label: label.into(),
            help: None,
        }
    }

    /// A problem with no place (a missing file, a bad argument).
    pub fn plain(code: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            code,
            message: message.into(),
            at: None,
            label: String::new(),
            help: None,
        }
    }

    /// Adds help.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}

impl Diagnostic for Invalid {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.at.as_ref().map(|(s, _)| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.at.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some(self.label.clone()),
                (span.start, span.end - span.start),
            ),
        )))
    }
}

/// The span of a TOML value in `text`, as the `toml` crate reports it.
pub fn toml_error(code: &'static str, snippet: &Snippet, err: &toml::de::Error) -> Invalid {
    let span = err.span().unwrap_or(0..0);
    Invalid::at(code, err.message().to_string(), snippet, span, "here")
}
