//! The command line: argument parsing and conversion to engine options, the `rules` and
//! `explain` subcommands, exit codes. The only place that writes to stdout/stderr.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error, a
//! path that does not exist, a file that could not be read, or an internal error (LVL903).

mod catalog;
mod changed_files;
mod init;
mod shell;
mod stderr;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, baseline, Settings};
use crate::diagnostic::{codes, Severity};
use crate::engine::{self, Options};
use crate::report::{self, Format, RenderOptions};
use crate::rules;
use crate::syntax::Limits;

const EXAMPLES: &str = "\
Examples:
  lambda-vpc-lint ./infra                         lint Terraform and CloudFormation under ./infra
  lambda-vpc-lint --format sarif -o out.sarif .   SARIF for GitHub code scanning
  lambda-vpc-lint --format github .               annotations on the pull request
  lambda-vpc-lint --fail-on warning .             fail on warnings too
  lambda-vpc-lint --skip-rule LVL001 .            by ID or slug
  lambda-vpc-lint --max-file-size 1048576 .       refuse files over 1 MiB (LVL902)
  lambda-vpc-lint --var-file prod.tfvars --var env=prod infra/   Terraform variable values
  lambda-vpc-lint --parameters prod.json infra/   CloudFormation parameter values for every template
  lambda-vpc-lint --parameters infra/app.yaml=app-prod.json infra/   ... for one template
  lambda-vpc-lint --sam-config-env prod sam-app/  parameter_overrides of [prod] in samconfig.toml
  lambda-vpc-lint rules                           the rule catalog
  lambda-vpc-lint --rules policies/ .             also run the rule files in policies/
  lambda-vpc-lint rules --validate policies/*.yaml check rule files
  lambda-vpc-lint explain public-subnet-no-internet
  lambda-vpc-lint init                            write a starter .lambda-vpc-lint.toml
  lambda-vpc-lint --write-baseline lvl-baseline.json .   accept today's findings
  lambda-vpc-lint --baseline lvl-baseline.json .  report only new findings";

#[derive(Debug, Parser)]
#[command(
    name = "lambda-vpc-lint",
    version,
    about = "Finds the mistakes people make when they attach AWS Lambda functions to a VPC, in Terraform and CloudFormation/SAM/CDK, before they deploy",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Files or directories to lint (default: the current directory). Directories are walked
    /// honouring .gitignore; .git, node_modules and .terraform are skipped. A Terraform file
    /// (.tf, .tfvars) stands for its whole module. Example: lambda-vpc-lint infra/ template.yaml
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format. Example: --format sarif
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: FormatArg,

    /// Write the report to FILE instead of standard output. Example: --output report.sarif
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,

    /// Exit with 1 when a finding at or above this severity is reported [default: error, or
    /// `fail-on` in the config file]. Example: --fail-on warning
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,

    /// Worker threads (0 = one per core). Example: --jobs 4
    #[arg(long, short = 'j', default_value_t = 0, value_name = "N")]
    jobs: usize,

    /// Colour in text output; NO_COLOR and CLICOLOR_FORCE are respected with `auto`.
    /// Example: --color never
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,

    /// Run only this rule (ID or slug; repeat or separate with commas). Example: --rule LVL001,LVL101
    #[arg(long = "rule", value_name = "ID", value_delimiter = ',')]
    rules: Vec<String>,

    /// CloudFormation parameter values, as deploy tooling takes them: `[{"ParameterKey": ..,
    /// "ParameterValue": ..}]`, `{"Parameters": {..}}` or `Key=Value` lines. Applies to every
    /// template, or to one with TEMPLATE=FILE; repeatable, later files win.
    /// Example: --parameters params/prod.json
    #[arg(long = "parameters", value_name = "[TEMPLATE=]FILE")]
    parameters: Vec<String>,

    /// An AWS account snapshot: a file of unmodified AWS CLI JSON output (`aws ec2
    /// describe-subnets`, `aws iam get-account-authorization-details` and others) or a directory of
    /// `.json` files; literal ids and SSM parameters resolve against it. Repeatable.
    /// Example: --aws-snapshot snapshot/
    #[arg(long = "aws-snapshot", value_name = "PATH")]
    aws_snapshot: Vec<PathBuf>,

    /// The SAM CLI environment whose `parameter_overrides` are read from the samconfig.toml
    /// (else samconfig.yaml/.yml) next to each template, `deploy` over `global` as `sam deploy`
    /// reads them [default: default]. `--parameters` values win over them.
    /// Example: --sam-config-env prod
    #[arg(long = "sam-config-env", value_name = "NAME")]
    sam_config_env: Option<String>,

    /// Do not run this rule (ID or slug; repeat or separate with commas).
    /// Example: --skip-rule public-subnet-no-internet
    #[arg(long = "skip-rule", value_name = "ID", value_delimiter = ',')]
    skip_rules: Vec<String>,

    /// Files larger than this many bytes are reported (LVL902) and not read.
    /// Example: --max-file-size 1048576
    #[arg(long, value_name = "BYTES", default_value_t = engine::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,

    /// Deepest YAML/JSON nesting accepted; deeper templates are reported (LVL901). HCL nesting
    /// is capped at 64 by the HCL parser itself. Example: --max-depth 64
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    max_depth: usize,

    /// Templates and Terraform modules with more resources than this are reported (LVL901) and
    /// not linted. Example: --max-resources 5000
    #[arg(long, value_name = "N", default_value_t = engine::DEFAULT_MAX_RESOURCES)]
    max_resources: usize,

    /// Use this config file for every path, instead of the nearest .lambda-vpc-lint.toml above
    /// each file. Example: --config ci/lambda-vpc-lint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Ignore every .lambda-vpc-lint.toml. Example: --no-config
    #[arg(long)]
    no_config: bool,

    /// Exit 0 when a directory holds no Terraform or CloudFormation at all (otherwise that is an
    /// error, exit 2: usually a wrong path). Example: --allow-empty
    #[arg(long)]
    allow_empty: bool,

    /// Report only findings that are not in this baseline file (the others are listed as
    /// suppressed in JSON and SARIF). Example: --baseline lvl-baseline.json
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Record the current findings in FILE as the baseline and accept them (exit 0).
    /// Example: --write-baseline lvl-baseline.json
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Also run the rule files (YAML or JSON with a `check` block, see rules/LANGUAGE.md) in
    /// DIR; repeatable. Example: --rules policies/
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,

    /// Terraform variables file for the root modules, as `terraform plan -var-file`
    /// (repeatable; later wins, in order with --var). Example: --var-file prod.tfvars
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,

    /// Terraform variable value for the root modules, as `terraform plan -var` (repeatable).
    /// TF_VAR_name environment values are read too. Example: --var 'azs=["eu-west-1a"]'
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,

    /// Also read Terraform modules that the linted modules call from DIR (outside the linted
    /// paths); nothing outside the linted paths and these directories is ever read
    /// (repeatable). Example: --allow-read ../modules
    #[arg(long = "allow-read", value_name = "DIR")]
    allow_read: Vec<PathBuf>,

    /// Also report what could not be verified: one LVL906 note per VPC function and unknown
    /// aspect, at the unknown value, with the reason and the rules that could not decide.
    /// Example: --strict
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the rule catalog. Example: lambda-vpc-lint rules --format json
    Rules {
        /// Output format. Example: --format json
        #[arg(long, short = 'f', value_enum, default_value = "text")]
        format: CatalogFormat,
        /// Check rule files and report their errors with line and column, instead of listing.
        /// Example: lambda-vpc-lint rules --validate policies/two-zones.yaml
        #[arg(long, value_name = "FILE", num_args = 1..)]
        validate: Vec<PathBuf>,
        /// Include the rule files in DIR in the list. Example: --rules policies/
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
    },
    /// Explain a rule: what it detects, why it matters, how to fix it, with examples.
    /// Example: lambda-vpc-lint explain LVL101
    Explain {
        /// Rule ID or slug. Example: LVL101
        rule: String,
        /// Also look in the rule files of DIR. Example: --rules policies/
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
    },
    /// Write a commented starter .lambda-vpc-lint.toml (never overwrites one).
    /// Example: lambda-vpc-lint init infra
    Init {
        /// Directory to write it to. Example: infra
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print a shell completion script. Example: lambda-vpc-lint completions bash
    Completions {
        /// The shell. Example: zsh
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff). Example: lambda-vpc-lint man > lambda-vpc-lint.1
    Man,
    /// Draw each VPC function's network: subnets, route tables, gateways, endpoints and the
    /// services it uses, with broken edges labelled by rule. Example: lambda-vpc-lint graph infra
    Graph {
        /// Files or directories, as for linting. Example: infra/
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Only functions whose name contains NAME. Example: --function orders
        #[arg(long, value_name = "NAME")]
        function: Option<String>,
        /// Diagram syntax: Mermaid (renders in GitHub Markdown) or Graphviz DOT.
        /// Example: --format dot
        #[arg(long, short = 'f', value_enum, default_value = "mermaid")]
        format: GraphFormatArg,
        /// Do not draw the findings this baseline accepts (suppressions in the source and the
        /// config files apply as when linting). Example: --baseline lvl-baseline.json
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Run as a language server for editors (LSP over stdin/stdout): diagnostics as you type
    /// with the proof as related information, fixes and suppressions as code actions, the
    /// resolved network on hover. Example: lambda-vpc-lint server
    Server {
        /// Use this config file for every document, instead of the nearest
        /// .lambda-vpc-lint.toml. Example: --config ci/lambda-vpc-lint.toml
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore every .lambda-vpc-lint.toml. Example: --no-config
        #[arg(long)]
        no_config: bool,
        /// Also run the rule files in DIR; repeatable. Example: --rules policies/
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
        /// Worker threads per lint (0 = one per core). Example: --jobs 2
        #[arg(long, short = 'j', default_value_t = 0, value_name = "N")]
        jobs: usize,
        /// Accepted for the LSP clients that pass it; stdio is the only transport.
        /// Example: lambda-vpc-lint server --stdio
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormatArg {
    Mermaid,
    Dot,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Source snippets with the proof and the fix, for people
    Text,
    /// The stable JSON report (schema in the repository)
    Json,
    /// SARIF 2.1.0, for code scanning and SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML (CI test reports)
    Junit,
    /// GitLab Code Quality JSON
    Gitlab,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(p) => p,
        // Usage errors quote the arguments: escaped like every other stderr line (help and
        // version, on stdout, are ours and keep clap's styling).
        Err(e) if e.use_stderr() => {
            eprint!("{}", stderr::usage(&e.render().to_string()));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli.command {
        Some(Command::Rules {
            validate,
            rule_dirs,
            format,
        }) => {
            if !validate.is_empty() {
                return catalog::validate(&validate);
            }
            if let Err(code) = load_rule_dirs(&rule_dirs) {
                return code;
            }
            catalog::list(matches!(format, CatalogFormat::Json))
        }
        Some(Command::Explain { rule, rule_dirs }) => match load_rule_dirs(&rule_dirs) {
            Ok(_) => catalog::explain(&rule),
            Err(code) => code,
        },
        Some(Command::Init { dir }) => init::init(&dir),
        Some(Command::Completions { shell: sh }) => shell::completions(sh),
        Some(Command::Man) => shell::man(),
        Some(Command::Graph {
            paths,
            function,
            format,
            baseline,
        }) => graph(paths, function.as_deref(), format, baseline.as_deref()),
        Some(Command::Server {
            config,
            no_config,
            rule_dirs,
            jobs,
            stdio: _,
        }) => match load_rule_dirs(&rule_dirs) {
            Ok(custom_rules) => ExitCode::from(crate::server::run(crate::server::Config {
                custom_rules,
                config_file: config,
                no_config,
                jobs,
            })),
            Err(code) => code,
        },
        None => {
            let tf_vars = match tf_vars(&cli.check, &matches) {
                Ok(v) => v,
                Err(e) => return usage_error(&e),
            };
            check(cli.check, tf_vars)
        }
    }
}

/// `--var-file` and `--var` in command-line order (Terraform applies them in that order).
fn tf_vars(args: &CheckArgs, matches: &clap::ArgMatches) -> Result<Vec<engine::TfVar>, String> {
    let indices = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let mut out: Vec<(usize, engine::TfVar)> = Vec::new();
    for (i, f) in indices("var_files").into_iter().zip(&args.var_files) {
        out.push((i, engine::TfVar::File(f.clone())));
    }
    for (i, v) in indices("vars").into_iter().zip(&args.vars) {
        let Some((k, val)) = v.split_once('=') else {
            return Err(format!("--var `{v}`: expected NAME=VALUE"));
        };
        out.push((
            i,
            engine::TfVar::Assign(k.trim().to_string(), val.to_string()),
        ));
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// `TF_VAR_name` values from the environment, sorted by name.
fn tf_env() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            let name = k.strip_prefix("TF_VAR_")?.to_string();
            Some((name, v.into_string().ok()?))
        })
        .collect();
    out.sort();
    out
}

fn usage_error(message: &str) -> ExitCode {
    stderr::error(message);
    ExitCode::from(2)
}

/// Resolves `--rule`/`--skip-rule` names (IDs or slugs) to IDs.
fn rule_ids(names: &[String]) -> Result<Vec<String>, String> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            rules::find(n.trim())
                .map(|m| m.id.clone())
                .ok_or_else(|| catalog::unknown_rule(n.trim()))
        })
        .collect()
}

/// Loads rule files; their errors are printed with file, line and column (exit code 2).
fn load_rule_dirs(
    dirs: &[PathBuf],
) -> Result<Vec<&'static rules::declarative::CustomRule>, ExitCode> {
    let mut loaded = Vec::new();
    for dir in dirs {
        match rules::declarative::load_dir(dir) {
            Ok(rules) => loaded.extend(rules),
            Err(errors) => {
                for e in errors {
                    stderr::error(e);
                }
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(loaded)
}

fn check(args: CheckArgs, tf_vars: Vec<engine::TfVar>) -> ExitCode {
    let custom_rules = match load_rule_dirs(&args.rule_dirs) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (only, skip) = match (rule_ids(&args.rules), rule_ids(&args.skip_rules)) {
        (Ok(o), Ok(s)) => (o, s),
        (Err(e), _) | (_, Err(e)) => return usage_error(&e),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    for p in paths
        .iter()
        .chain(&args.var_files)
        .chain(&args.aws_snapshot)
    {
        if let Err(e) = std::fs::metadata(p) {
            let reason = match e.kind() {
                io::ErrorKind::NotFound => "no such file or directory".to_string(),
                // A symbolic link loop, a permission problem on a parent directory, ...
                _ => e.to_string(),
            };
            return usage_error(&format!("{}: {reason}", p.display()));
        }
    }
    let mut parameter_files = Vec::new();
    for arg in &args.parameters {
        let (template, file) = match arg.split_once('=') {
            Some((t, f)) if !t.is_empty() && !PathBuf::from(arg).is_file() => {
                (Some(PathBuf::from(t)), PathBuf::from(f))
            }
            _ => (None, PathBuf::from(arg)),
        };
        if !file.is_file() {
            return usage_error(&format!("--parameters {}: no such file", file.display()));
        }
        parameter_files.push((template, file));
    }
    // Only explicit files (as pre-commit passes them): none of ours among them is fine.
    let only_files = paths.iter().all(|p| p.is_file());
    let paths = changed_files::expand(paths);
    let settings = match (&args.config, args.no_config) {
        (Some(file), _) => match Settings::explicit(file) {
            Ok(s) => s,
            Err(e) => return usage_error(&e.to_string()),
        },
        (None, true) => Settings::off(),
        (None, false) => Settings::discover(),
    };
    let accepted = match &args.baseline {
        Some(path) => match baseline::read(path) {
            Ok(b) => Some((b, path.display().to_string())),
            Err(e) => return usage_error(&e),
        },
        None => None,
    };
    // Variable and parameter files from config files come first: the command line's win.
    let from_config = match settings.inputs(&paths) {
        Ok(i) => i,
        Err(e) => return usage_error(&e),
    };
    let tf_vars = from_config
        .var_files
        .into_iter()
        .map(engine::TfVar::File)
        .chain(tf_vars)
        .collect();
    let parameter_files = from_config
        .parameters
        .into_iter()
        .map(|(t, f)| (Some(t), f))
        .chain(parameter_files)
        .collect();
    let options = Options {
        paths,
        jobs: args.jobs,
        only,
        skip,
        max_file_size: args.max_file_size,
        max_resources: args.max_resources,
        limits: Limits {
            max_depth: args.max_depth,
            ..Limits::default()
        },
        settings: Arc::new(settings),
        custom_rules,
        terraform: crate::frontend::terraform::Options {
            vars: tf_vars,
            env: tf_env(),
            allow_read: args.allow_read,
        },
        cloudformation: crate::frontend::cloudformation::Options {
            parameter_files,
            sam_config_env: args.sam_config_env.clone(),
        },
        aws_snapshot: from_config
            .snapshot
            .into_iter()
            .chain(args.aws_snapshot)
            .collect(),
        strict: args.strict,
        ..Options::default()
    };
    let (mut report, mut sources) = engine::lint(&options);
    let config_errors = options.settings.errors();
    if !config_errors.is_empty() {
        for e in &config_errors {
            stderr::error(e);
        }
        return ExitCode::from(2);
    }
    // Nothing of ours at all. Files named explicitly that are merely not Terraform or
    // CloudFormation are not an error (pre-commit passes every changed YAML file, as ruff and
    // tflint users expect); a directory walk that finds nothing usually means a wrong path.
    if report.stats.files == 0 && report.diagnostics.is_empty() && report.suppressed.is_empty() {
        if !only_files && !args.allow_empty {
            stderr::error(
                "no Terraform or CloudFormation found in the given paths: nothing was linted (--allow-empty to accept this)",
            );
            return ExitCode::from(2);
        }
        stderr::note("note: no Terraform or CloudFormation in the given paths: nothing was linted");
    }
    // A new baseline accepts everything found now; otherwise the given one is applied.
    let accepted = match &args.write_baseline {
        Some(path) => {
            let written = baseline::of(&report, &sources);
            if let Err(e) = baseline::write(path, &written) {
                return usage_error(&format!("cannot write the baseline: {e}"));
            }
            stderr::note(format_args!(
                "wrote {} findings to the baseline {}",
                written.findings.len(),
                path.display()
            ));
            Some((written, path.display().to_string()))
        }
        None => accepted,
    };
    if let Some((b, name)) = &accepted {
        let unused = baseline::apply(&mut report, &sources, b, name);
        stale_baseline_entries(&mut report, &mut sources, &options, b, &unused, name);
    }

    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Junit => Format::Junit,
        FormatArg::Gitlab => Format::Gitlab,
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && (io::stdout().is_terminal()
                    || std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0"))
        }
    };
    let render_options = RenderOptions { color };
    let mut timings = engine::Timings::from_env();
    let pool = engine::thread_pool(args.jobs);
    // Streamed, not buffered: a large report is as big as its input.
    let written = pool.install(|| match &args.output {
        Some(path) => std::fs::File::create(path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|file| {
                let mut out = io::BufWriter::new(file);
                report::render(&report, &sources, format, &render_options, &mut out)
                    .and_then(|()| out.flush())
                    .map_err(|e| format!("{}: {e}", path.display()))
            }),
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            match report::render(&report, &sources, format, &render_options, &mut out)
                .and_then(|()| out.flush())
            {
                // A closed pipe (`| head`) is not an error worth a message.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| e.to_string()),
            }
        }
    });
    timings.lap("render");
    if let Err(e) = written {
        return usage_error(&format!("cannot write the report: {e}"));
    }

    if report
        .diagnostics
        .iter()
        .any(|d| d.code == codes::UNREADABLE_FILE.0 || d.code == codes::INTERNAL_ERROR.0)
    {
        return ExitCode::from(2);
    }
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Error => config::FailOn::At(Severity::Error),
        FailOn::Warning => config::FailOn::At(Severity::Warning),
        FailOn::Note => config::FailOn::At(Severity::Note),
        FailOn::Never => config::FailOn::Never,
    });
    if config::fails(&report, &sources, &options.settings, threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// LVL905 notes for the baseline entries that accepted nothing (selected like the notes about
/// inline suppressions: only for rules that ran on the entry's file, and not with
/// `--skip-rule LVL905`).
fn stale_baseline_entries(
    report: &mut crate::outcome::Report,
    sources: &mut crate::source::SourceMap,
    options: &Options,
    b: &baseline::BaselineFile,
    unused: &[usize],
    name: &str,
) {
    let selection = options.selection();
    let active = |path: &std::path::Path, code: &str| {
        let config = options.settings.for_file(path);
        [code, codes::UNUSED_SUPPRESSION.0]
            .iter()
            .all(|c| selection.is_selected(c) && config.as_ref().is_none_or(|cfg| cfg.allows(c)))
    };
    let notes = baseline::unused_notes(sources, b, unused, std::path::Path::new(name), &active);
    if !notes.is_empty() {
        report.diagnostics.extend(notes);
        crate::outcome::sort(&mut report.diagnostics, sources);
    }
}

/// `graph`: lint to get the models and findings, then draw them.
fn graph(
    paths: Vec<PathBuf>,
    function: Option<&str>,
    format: GraphFormatArg,
    baseline_file: Option<&std::path::Path>,
) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        return usage_error(&format!("{}: no such file or directory", p.display()));
    }
    let accepted = match baseline_file.map(baseline::read).transpose() {
        Ok(b) => b,
        Err(e) => return usage_error(&e),
    };
    let options = Options {
        paths,
        settings: Arc::new(Settings::discover()),
        ..Options::default()
    };
    let (mut report, sources, mut units) = engine::lint_with_models(&options);
    if let (Some(b), Some(path)) = (&accepted, baseline_file) {
        baseline::apply(&mut report, &sources, b, &path.display().to_string());
    }
    // Draw only what the report keeps: findings suppressed in the source, disabled by a config
    // file or accepted by the baseline are not drawn as findings.
    let kept: std::collections::HashSet<(&str, &str, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.fingerprint.as_str(), d.span.start))
        .collect();
    for unit in &mut units {
        unit.diagnostics
            .retain(|d| kept.contains(&(d.code, d.fingerprint.as_str(), d.span.start)));
    }
    if let Some(name) = function {
        let names = crate::graph::function_names(&units);
        if !names.iter().any(|n| n.contains(name)) {
            let near = crate::suggest::nearest(
                name,
                names.iter().map(String::as_str),
                crate::suggest::Match::Within,
            );
            return usage_error(&format!(
                "--function `{name}` matches no VPC function{}",
                crate::suggest::did_you_mean(&near)
            ));
        }
    }
    let format = match format {
        GraphFormatArg::Mermaid => crate::graph::GraphFormat::Mermaid,
        GraphFormatArg::Dot => crate::graph::GraphFormat::Dot,
    };
    let text = crate::graph::render(&units, function, format);
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage_error(&e.to_string()),
    }
}
