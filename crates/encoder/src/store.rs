//! Where an installed model lives: `TMALIGN_MODEL_DIR` if set, else the platform's user cache
//! directory (`~/.cache/tmalign/model` on Linux).

use std::path::PathBuf;

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

/// Path of the model file inside [`model_dir`] (it may not exist).
pub fn model_path() -> Option<PathBuf> {
    model_dir().map(|d| d.join(crate::MODEL_FILE))
}

/// Path of the installed model file, if there is one.
pub fn installed_model() -> Option<PathBuf> {
    model_path().filter(|p| p.is_file())
}
