//! What a lint in the editor runs with: the server's own flags (`--config`, `--no-config`,
//! `--rules`, `--jobs`), the nearest `.lambda-vpc-lint.toml` as on the command line (looked up
//! afresh for every lint, so an edited config file applies at the next change), the variable and
//! parameter files config files name, and the workspace folders as the only directories
//! modules may be read from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Settings;
use crate::engine::{Options, Overlay};
use crate::rules::declarative::CustomRule;

/// The server's command line.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Rules loaded from `--rules` directories.
    pub custom_rules: Vec<&'static CustomRule>,
    /// `--config FILE`: this file for every document.
    pub config_file: Option<PathBuf>,
    /// `--no-config`.
    pub no_config: bool,
    /// Worker threads per lint (0: one per core).
    pub jobs: usize,
}

impl Config {
    /// The options of one unit's lint, and the problems with config files (shown to the user;
    /// the lint then runs without what could not be read).
    pub fn options(
        &self,
        paths: Vec<PathBuf>,
        base: &Path,
        folders: &[PathBuf],
        overlay: Overlay,
    ) -> (Options, Vec<String>) {
        let mut problems = Vec::new();
        let settings = match (&self.config_file, self.no_config) {
            (Some(file), _) => Settings::explicit(file).unwrap_or_else(|e| {
                problems.push(e.to_string());
                Settings::off()
            }),
            (None, true) => Settings::off(),
            // Only inside the (resolved) workspace folders: a config file above the workspace
            // is not the workspace's, and the server reads nothing outside it.
            (None, false) => Settings::discover_within(folders.to_vec()),
        };
        let inputs = settings.inputs(&paths).unwrap_or_else(|e| {
            problems.push(e);
            Default::default()
        });
        let options = Options {
            paths,
            jobs: self.jobs,
            base: base.to_path_buf(),
            settings: Arc::new(settings),
            custom_rules: self.custom_rules.clone(),
            terraform: crate::frontend::terraform::Options {
                vars: inputs
                    .var_files
                    .into_iter()
                    .map(crate::engine::TfVar::File)
                    .collect(),
                env: tf_env(),
                // Modules called from anywhere in the workspace are read with their caller;
                // nothing outside the workspace folders is.
                allow_read: folders.to_vec(),
            },
            cloudformation: crate::frontend::cloudformation::Options {
                parameter_files: inputs
                    .parameters
                    .into_iter()
                    .map(|(t, f)| (Some(t), f))
                    .collect(),
                // SAM's `default` environment, as the command line without `--sam-config-env`.
                sam_config_env: None,
            },
            // `[aws] snapshot` of the workspace's config (confined to the config's directory).
            aws_snapshot: inputs.snapshot,
            overlay: Arc::new(overlay),
            ..Options::default()
        };
        (options, problems)
    }
}

/// `TF_VAR_name` values from the server's environment, sorted by name (as the CLI reads them).
fn tf_env() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let name = k.into_string().ok()?.strip_prefix("TF_VAR_")?.to_string();
            Some((name, v.into_string().ok()?))
        })
        .collect();
    out.sort();
    out
}

/// A workspace folder: as the client named it, and resolved (links, `..`) as the server
/// compares paths with it, so that a document reached through a link is still inside and a link
/// out of the folder is not. Paths are shown to the client under the name it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub given: PathBuf,
    pub resolved: PathBuf,
}

impl Folder {
    pub fn new(given: PathBuf) -> Self {
        let resolved = crate::paths::resolve(&given);
        Folder { given, resolved }
    }
}

/// The workspace folders of a session.
#[derive(Debug, Default)]
pub struct Workspace {
    pub folders: Vec<Folder>,
}

impl Workspace {
    /// The folder that holds a resolved path (the deepest, when folders nest).
    pub fn folder_of(&self, resolved: &Path) -> Option<&Folder> {
        self.folders
            .iter()
            .filter(|f| resolved.starts_with(&f.resolved))
            .max_by_key(|f| f.resolved.components().count())
    }

    /// The resolved folders: where a lint may read.
    pub fn roots(&self) -> Vec<PathBuf> {
        self.folders.iter().map(|f| f.resolved.clone()).collect()
    }

    /// A resolved path as the client knows it (under the folder name it gave).
    pub fn client_path(&self, resolved: &Path) -> PathBuf {
        match self.folder_of(resolved) {
            Some(f) => f
                .given
                .join(resolved.strip_prefix(&f.resolved).unwrap_or(resolved)),
            None => resolved.to_path_buf(),
        }
    }

    pub fn add(&mut self, given: PathBuf) {
        let f = Folder::new(given);
        if !self.folders.contains(&f) {
            self.folders.push(f);
        }
    }

    pub fn remove(&mut self, given: &Path) {
        self.folders.retain(|f| f.given != given);
    }
}
