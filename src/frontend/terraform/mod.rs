//! Terraform front end (being written).
use super::Loaded;
use crate::source::{FileId, SourceMap};

/// Loads the Terraform module made of `files` (all `.tf` / `.tf.json` files of one directory).
pub fn load(unit: &str, files: &[FileId], sources: &SourceMap) -> Loaded {
    let _ = (files, sources);
    let mut loaded = Loaded::default();
    loaded.model.unit = unit.to_string();
    loaded
}
