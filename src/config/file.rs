//! The config file `.lambda-vpc-lint.toml`: its schema, parsing with positions (an unknown key or
//! rule is an error at its line and column), and the starter file written by `init`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::rules;
use crate::source::SourceFile;

pub const FILE_NAME: &str = ".lambda-vpc-lint.toml";

/// `fail-on`: the lowest severity that makes the exit code 1, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "never" => Some(FailOn::Never),
            _ => Severity::parse(s).map(FailOn::At),
        }
    }
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        matches!(self, FailOn::At(t) if severity >= t)
    }
}

/// One parsed and validated config file. Paths in it are relative to its directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file itself, as found.
    pub path: PathBuf,
    /// Its directory, absolute: the base of `exclude` globs and of relative paths.
    pub dir: PathBuf,
    /// `rules.enable`: if present, only these rules run (IDs).
    pub enable: Option<Vec<String>>,
    /// `rules.disable` (IDs).
    pub disable: Vec<String>,
    /// `[rules.severity]`: rule ID → the severity to report it with.
    pub severity: BTreeMap<String, Severity>,
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    pub fail_on: Option<FailOn>,
    /// `[terraform] var-files`, absolute.
    pub var_files: Vec<PathBuf>,
    /// `[cloudformation] parameters`: template → parameter file, both absolute.
    pub parameters: BTreeMap<PathBuf, PathBuf>,
    /// `[aws] snapshot`: AWS snapshot files or directories (`--aws-snapshot`), absolute.
    pub snapshot: Vec<PathBuf>,
}

/// A config file that cannot be used, with the position of the offending key or value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the error has no position (the file could not be read).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    terraform: RawTerraform,
    #[serde(default)]
    cloudformation: RawCloudFormation,
    #[serde(default)]
    aws: RawAws,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRules {
    #[serde(default)]
    enable: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTerraform {
    #[serde(default)]
    var_files: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCloudFormation {
    #[serde(default)]
    parameters: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAws {
    #[serde(default)]
    snapshot: Vec<Spanned<String>>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the config file: {e}"),
        })?;
        let dir = path
            .parent()
            .map(crate::paths::absolute)
            .unwrap_or_else(|| crate::paths::absolute(Path::new(".")));
        Config::parse(path, &dir, &text)
    }

    /// Parses config text; `dir` is the directory relative paths and globs are resolved against.
    pub fn parse(path: &Path, dir: &Path, text: &str) -> Result<Config, ConfigError> {
        let file = SourceFile::new(path.to_path_buf(), String::new(), text.to_string());
        let error = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| {
                let p = file.position(s.start as u32);
                (p.line, p.column)
            });
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            // The message of `toml` starts with a lower-case sentence; keep only its first line
            // (the rest is a snippet we render ourselves through the position).
            let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
            error(e.span(), message.to_string())
        })?;

        let rule_id = |name: &Spanned<String>| {
            rules::find(name.get_ref().trim())
                .map(|m| m.id.clone())
                .ok_or_else(|| {
                    error(
                        Some(name.span()),
                        format!(
                            "unknown rule `{}` (see `lambda-vpc-lint rules`)",
                            name.get_ref()
                        ),
                    )
                })
        };
        let enable = match &raw.rules.enable {
            Some(list) => Some(list.iter().map(rule_id).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        let disable = raw
            .rules
            .disable
            .iter()
            .map(rule_id)
            .collect::<Result<Vec<_>, _>>()?;
        let mut severity = BTreeMap::new();
        for (rule, level) in &raw.rules.severity {
            let id = rule_id(rule)?;
            let Some(level_value) = Severity::parse(level.get_ref()) else {
                return Err(error(
                    Some(level.span()),
                    format!(
                        "severity of {id} must be \"error\", \"warning\" or \"note\", not {:?} (to turn a rule off, list it in rules.disable)",
                        level.get_ref()
                    ),
                ));
            };
            severity.insert(id, level_value);
        }

        let mut builder = GlobSetBuilder::new();
        for glob in &raw.exclude {
            let pattern = glob
                .get_ref()
                .trim_start_matches("./")
                .trim_end_matches('/');
            let compiled = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    error(
                        Some(glob.span()),
                        format!("invalid exclude glob {:?}: {}", glob.get_ref(), e.kind()),
                    )
                })?;
            builder.add(compiled);
        }
        let exclude_set = builder
            .build()
            .map_err(|e| error(None, format!("invalid exclude globs: {e}")))?;

        let fail_on = match &raw.fail_on {
            Some(v) => Some(FailOn::parse(v.get_ref()).ok_or_else(|| {
                error(
                    Some(v.span()),
                    format!(
                        "fail-on must be \"error\", \"warning\", \"note\" or \"never\", not {:?}",
                        v.get_ref()
                    ),
                )
            })?),
            None => None,
        };

        Ok(Config {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            enable,
            disable,
            severity,
            exclude: raw.exclude.iter().map(|g| g.get_ref().clone()).collect(),
            exclude_set,
            fail_on,
            var_files: raw
                .terraform
                .var_files
                .iter()
                .map(|f| dir.join(f.get_ref()))
                .collect(),
            parameters: raw
                .cloudformation
                .parameters
                .iter()
                .map(|(t, p)| {
                    (
                        crate::paths::normalize(&dir.join(t.get_ref())),
                        dir.join(p.get_ref()),
                    )
                })
                .collect(),
            snapshot: raw
                .aws
                .snapshot
                .iter()
                .map(|f| crate::paths::normalize(&dir.join(f.get_ref())))
                .collect(),
        })
    }

    /// Whether `path` (absolute) matches an `exclude` glob, itself or through a directory above
    /// it (so `exclude = ["legacy"]` takes everything under `legacy/`).
    pub fn excludes(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.dir) else {
            return false;
        };
        let mut candidate = Some(rel);
        while let Some(p) = candidate {
            if p.as_os_str().is_empty() {
                break;
            }
            if self.exclude_set.is_match(p) {
                return true;
            }
            candidate = p.parent();
        }
        false
    }

    /// Whether the rule `id` runs under this config (9xx input diagnostics always do, unless
    /// disabled by name).
    pub fn allows(&self, id: &str) -> bool {
        if self.disable.iter().any(|d| d == id) {
            return false;
        }
        match &self.enable {
            Some(list) => id.starts_with("LVL9") || list.iter().any(|e| e == id),
            None => true,
        }
    }
}

/// The commented starter file written by `lambda-vpc-lint init`. Every key is shown; the active
/// ones are the defaults, so the file changes nothing until it is edited.
pub const STARTER: &str = r#"# lambda-vpc-lint configuration. The nearest .lambda-vpc-lint.toml above a linted file applies
# to it; `--config FILE` uses one file for everything, `--no-config` none. Unknown keys are errors.

# Paths to skip, as globs relative to this file (`*` stays within a directory, `**` crosses them).
# They also apply to files named on the command line (pre-commit passes changed files).
exclude = [
  # "legacy/**",
  # "**/*.generated.yaml",
]

# Lowest severity that makes the exit code 1: "error", "warning", "note" or "never".
# `--fail-on` on the command line wins.
fail-on = "error"

[rules]
# Run only these rules (IDs or slugs); input diagnostics (LVL9xx) always run.
# enable = ["LVL001", "no-egress-path"]
# Never run these rules.
disable = []

[rules.severity]
# Report a rule with another severity: "error", "warning" or "note".
# LVL001 = "warning"

[terraform]
# Variable files for the root modules, relative to this file (like --var-file, which wins).
var-files = []

[cloudformation]
# Parameter files per template, both relative to this file (like --parameters, which wins).
# parameters = { "templates/app.yaml" = "params/app.json" }

[aws]
# AWS account snapshots: files or directories of unmodified AWS CLI JSON output, relative to
# this file (like --aws-snapshot, which adds to them). Literal ids resolve against them.
# snapshot = ["aws-snapshot/"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("c.toml"), Path::new("/repo"), text)
    }

    #[test]
    fn starter_file_parses_and_changes_nothing() {
        let c = parse(STARTER).expect("starter parses");
        assert_eq!(c.enable, None);
        assert!(c.disable.is_empty() && c.severity.is_empty() && c.exclude.is_empty());
        assert_eq!(c.fail_on, Some(FailOn::At(Severity::Error)));
    }

    #[test]
    fn unknown_keys_and_values_are_errors_at_their_position() {
        let cases: &[(&str, (u32, u32), &str)] = &[
            (
                "fail-on = \"error\"\nfial = 1\n",
                (2, 1),
                "unknown field `fial`",
            ),
            (
                "[rules]\ndisable = [\"LVL001\"]\nenabled = []\n",
                (3, 1),
                "unknown field `enabled`",
            ),
            (
                "[rules]\ndisable = [\"LVL001\", \"LVL999\"]\n",
                (2, 22),
                "unknown rule `LVL999`",
            ),
            (
                "[rules.severity]\nLVL001 = \"fatal\"\n",
                (2, 10),
                "must be \"error\"",
            ),
            (
                "[rules.severity]\nnope = \"note\"\n",
                (2, 1),
                "unknown rule `nope`",
            ),
            ("fail-on = \"sometimes\"\n", (1, 11), "fail-on must be"),
            ("exclude = [\"a/[\"]\n", (1, 12), "invalid exclude glob"),
            (
                "[terraform]\nvar-file = []\n",
                (2, 1),
                "unknown field `var-file`",
            ),
            ("x = [\n", (1, 6), ""),
        ];
        for (text, (line, column), want) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e}");
            assert!(e.message.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn rules_by_id_or_slug_and_severities() {
        let c = parse(
            "[rules]\nenable = [\"public-subnet-no-internet\", \"lvl101\"]\ndisable = [\"LVL002\"]\n[rules.severity]\nmissing-eni-permissions = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(
            c.enable.as_deref(),
            Some(&["LVL001".to_string(), "LVL101".to_string()][..])
        );
        assert!(
            c.allows("LVL001") && c.allows("LVL900") && !c.allows("LVL002") && !c.allows("LVL003")
        );
        assert_eq!(c.severity.get("LVL101"), Some(&Severity::Warning));
    }

    #[test]
    fn excludes_relative_to_the_config_directory() {
        let c = parse("exclude = [\"legacy\", \"**/*.gen.yaml\", \"./one/*.tf\"]\n").unwrap();
        let yes = [
            "/repo/legacy/a/main.tf",
            "/repo/x/y/t.gen.yaml",
            "/repo/one/main.tf",
        ];
        let no = [
            "/repo/one/two/main.tf",
            "/other/legacy/main.tf",
            "/repo/legacyx/main.tf",
        ];
        for p in yes {
            assert!(c.excludes(Path::new(p)), "{p}");
        }
        for p in no {
            assert!(!c.excludes(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn paths_are_resolved_against_the_config_directory() {
        let c = parse(
            "[terraform]\nvar-files = [\"prod.tfvars\"]\n[cloudformation]\nparameters = { \"./t/app.yaml\" = \"p.json\" }\n",
        )
        .unwrap();
        assert_eq!(c.var_files, [PathBuf::from("/repo/prod.tfvars")]);
        assert_eq!(
            c.parameters.get(Path::new("/repo/t/app.yaml")),
            Some(&PathBuf::from("/repo/p.json"))
        );
    }
}
