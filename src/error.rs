//! Library error type.
//!
//! Every error that comes from the user's input carries the path of the file it concerns, so
//! that the CLI can print one message that names the file and the problem. The CLI maps
//! [`Error::is_bad_input`] to exit code 2 and everything else to exit code 1.

use std::path::PathBuf;

/// Longest piece of input an error message quotes, in characters (see [`quote`]).
pub const QUOTE_MAX: usize = 200;

/// Longest error message, in characters (see [`clip_message`]).
pub const MESSAGE_MAX: usize = 1000;

/// A piece of input as an error message quotes it: `{:?}`-quoted, cut to [`QUOTE_MAX`]
/// characters with the number of characters left out (a 200 MB CSV line or a 1.5 MB SRX
/// pattern is never echoed).
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            format!("{:?}… ({rest} more characters)", &text[..cut])
        }
    }
}

/// `message` cut to about [`MESSAGE_MAX`] characters (its start and end kept): the last guard
/// against an error that quotes too much, applied where the CLI prints errors.
pub fn clip_message(message: &str) -> std::borrow::Cow<'_, str> {
    let n = message.chars().count();
    if n <= MESSAGE_MAX {
        return std::borrow::Cow::Borrowed(message);
    }
    let head: String = message.chars().take(MESSAGE_MAX - 200).collect();
    let tail: String = message.chars().skip(n - 150).collect();
    std::borrow::Cow::Owned(format!(
        "{head} … ({} characters cut) … {tail}",
        n - (MESSAGE_MAX - 200) - 150
    ))
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file (or directory) is unusable: missing, empty, binary, undecodable,
    /// in no configured language, malformed…
    #[error("{}: {message}", path.display())]
    BadInput {
        /// The offending file.
        path: PathBuf,
        /// What is wrong with it, in words a user understands.
        message: String,
    },
    /// Bad command-line usage that is not tied to one file (an unknown language code…).
    #[error("{0}")]
    Usage(String),
    /// An I/O failure while reading or writing a file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A bug or an environment failure that is not the input's fault.
    #[error("internal error: {0}")]
    Internal(String),
    /// Installing or checking the encoder model failed (see [`crate::model::Error`]).
    #[error(transparent)]
    Model(#[from] crate::model::Error),
    /// Installing setup-time data failed (see [`crate::data::Error`]).
    #[error(transparent)]
    Data(#[from] crate::data::Error),
}

impl Error {
    /// Shorthand for [`Error::BadInput`].
    pub fn bad_input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::BadInput {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the failure is the input's fault (CLI exit code 2) rather than ours (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::BadInput { .. } | Error::Usage(_) => true,
            // A file that cannot be read because it is missing or not a file is bad input too.
            Error::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::IsADirectory
                    | std::io::ErrorKind::InvalidData
            ),
            Error::Internal(_) => false,
            Error::Model(e) => e.is_bad_input(),
            Error::Data(e) => e.is_bad_input(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_messages_are_cut() {
        assert_eq!(quote("abc"), "\"abc\"");
        let long = "ж".repeat(10_000);
        let q = quote(&long);
        assert!(q.chars().count() < QUOTE_MAX + 40, "{q}");
        assert!(q.ends_with("(9800 more characters)"), "{q}");
        assert_eq!(clip_message("short"), "short");
        let m = clip_message(&long);
        assert!(m.chars().count() < MESSAGE_MAX + 50);
        assert!(m.contains("characters cut"));
    }
}
