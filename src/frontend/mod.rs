//! Front ends: text → [`Model`]. They never produce findings, only diagnostics about input they
//! could not read (parse errors, unsupported constructs), and they never fail as a whole: a unit
//! always yields a model, possibly with `Unknown` values.

pub mod cloudformation;
pub mod terraform;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// The result of loading one unit (a Terraform module tree or a CloudFormation template).
#[derive(Debug, Default)]
pub struct Loaded {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Values seen in places marked secret (Terraform `sensitive`, CloudFormation `NoEcho`):
    /// the engine masks them in every output (see `crate::secrets`).
    pub secrets: Vec<String>,
}
