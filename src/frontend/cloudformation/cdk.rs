//! CDK output conventions. CDK names resources with hashed logical ids (`ApiHandler5E7490E8`)
//! and records the construct path users wrote in `Metadata: {aws:cdk:path: …}`.

use super::template::Resource;

/// The construct path without CDK's trailing `/Resource` (users know `Stack/Api/Handler`), or
/// the logical id when the resource has no CDK path.
pub(crate) fn display_name(r: &Resource<'_>) -> String {
    let path = r
        .metadata
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(|p| p.as_str())
        .filter(|p| !p.is_empty());
    match path {
        Some(p) => p.strip_suffix("/Resource").unwrap_or(p).to_string(),
        None => r.id.to_string(),
    }
}
