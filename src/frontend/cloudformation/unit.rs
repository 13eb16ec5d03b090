//! The CloudFormation front end as the driver sees it (see [`crate::frontend::FrontEnd`]): it
//! claims every YAML/JSON template candidate (decided by content when parsed), reads
//! `--parameters` files, and makes one unit per template, or per group of templates linked by
//! `Fn::ImportValue`/`Export` or nested stacks.
//!
//! Only templates that may refer to one another are parsed before the units are formed (to group
//! them); their trees belong to their unit. Every other candidate is parsed inside its own unit,
//! so only the trees being worked on are alive.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use super::{duplicates, samconfig, Options, ParameterSets, RunInputs};
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::FileKind;
use crate::frontend::{too_many_resources, Claimed, Counts, FrontEnd, Loaded, Unit};
use crate::panic_guard;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Document, Limits};

/// [`Claimed::tag`] bits: the text declares a nested stack / may import or export values.
const NESTS: u8 = 1;
const LINKS: u8 = 2;

pub struct CloudFormation {
    options: Options,
    /// The linted paths: nested-stack templates are taken from inside them only.
    paths: Vec<PathBuf>,
    limits: Limits,
    /// Parameter values and roots, shared by every unit.
    run: OnceLock<RunInputs>,
    /// Where a SAM CLI configuration file may be read from: the linted paths, and the directory
    /// of each linted file (the configuration sits next to its template).
    samconfig_roots: OnceLock<crate::paths::Roots>,
}

impl CloudFormation {
    pub fn new(options: Options, paths: Vec<PathBuf>, limits: Limits) -> Self {
        CloudFormation {
            options,
            paths,
            limits,
            run: OnceLock::new(),
            samconfig_roots: OnceLock::new(),
        }
    }

    fn samconfig_roots(&self) -> &crate::paths::Roots {
        self.samconfig_roots.get_or_init(|| {
            let parents = self
                .paths
                .iter()
                .filter(|p| p.is_file())
                .filter_map(|p| p.parent().map(Path::to_path_buf));
            crate::paths::Roots::new(self.paths.iter().cloned().chain(parents))
        })
    }
}

impl FrontEnd for CloudFormation {
    /// Every candidate (a plan file was claimed by Terraform first); the text sniff is read here,
    /// in parallel (scanning every template again on one thread cost a tenth of a large run).
    fn claim(&self, kind: FileKind, text: &str) -> Option<u8> {
        if kind != FileKind::TemplateCandidate {
            return None;
        }
        // A template that reads another stack's output by stack name (`Fn::GetStackOutput`)
        // needs its producer, which carries no marker, like a nested stack's child: the same
        // flag makes every candidate parsed before grouping.
        let nests = [
            "AWS::CloudFormation::Stack",
            "AWS::Serverless::Application",
            "GetStackOutput",
        ]
        .iter()
        .any(|m| memchr::memmem::find(text.as_bytes(), m.as_bytes()).is_some());
        Some(if nests { NESTS } else { 0 } | if may_link(text) { LINKS } else { 0 })
    }

    /// The SAM CLI configuration files in the directories of the claimed candidates (SAM reads
    /// the one next to the template); discovery skips them, as they are no templates.
    fn follow(&self, claimed: &[Claimed], _sources: &SourceMap) -> Vec<PathBuf> {
        let known: HashSet<&Path> = claimed.iter().map(|c| c.path.as_path()).collect();
        let dirs: BTreeSet<&Path> = claimed
            .iter()
            .filter(|c| !samconfig::is_samconfig(&c.path))
            .filter_map(|c| c.path.parent())
            .collect();
        let mut out = Vec::new();
        for dir in dirs {
            for name in samconfig::FILE_NAMES {
                let path = dir.join(name);
                if !known.contains(path.as_path())
                    && path.is_file()
                    && self.samconfig_roots().contains(&path)
                {
                    out.push(path);
                }
            }
        }
        out
    }

    fn option_files(&self) -> Vec<PathBuf> {
        let files = self.options.parameter_files.iter();
        files.map(|(_, file)| file.clone()).collect()
    }

    fn units<'r>(
        &'r self,
        claimed: Vec<Claimed>,
        options: Vec<Option<FileId>>,
        sources: &'r SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Box<dyn Unit + 'r>> {
        let given = self.options.parameter_files.iter().zip(options);
        let files: Vec<(Option<PathBuf>, FileId)> = given
            .filter_map(|((template, _), id)| Some((template.clone(), id?)))
            .collect();
        let (configs, claimed): (Vec<Claimed>, Vec<Claimed>) = claimed
            .into_iter()
            .partition(|c| samconfig::is_samconfig(&c.path));
        let config_files: Vec<(PathBuf, FileId)> =
            configs.into_iter().map(|c| (c.path, c.file)).collect();
        let env = self.options.sam_config_env.as_deref();
        let (configs, problems) = samconfig::read_all(
            &config_files,
            env.unwrap_or(samconfig::DEFAULT_ENV),
            sources,
        );
        diagnostics.extend(problems);
        let (parameters, problems) = ParameterSets::parse(&files, sources);
        let parameters = parameters.with_samconfig(configs);
        diagnostics.extend(problems);
        // A nested stack's child template carries no marker itself: when the run has nested
        // stacks, every candidate is parsed up front.
        let nested = claimed.iter().any(|c| c.tag & NESTS != 0);
        let (linked, singles): (Vec<Claimed>, Vec<Claimed>) = claimed
            .into_iter()
            .partition(|c| nested || c.tag & LINKS != 0);
        let parsed: Vec<(FileId, Result<Parsed, Diagnostic>)> = linked
            .par_iter()
            .map(|c| {
                let file = sources.get(c.file);
                let result = panic_guard::catch(|| parse_candidate(c.file, file, &self.limits))
                    .map_err(|panic| {
                        let span = Span::new(c.file, 0..0);
                        panic_guard::internal_error(span, &file.display, None, &panic)
                    });
                (c.file, result)
            })
            .collect();
        let mut docs = Vec::new();
        for (id, result) in parsed {
            if let Some(doc) = accept_template(id, result, sources, diagnostics) {
                docs.push((id, doc));
            }
        }
        let run = self.run.get_or_init(|| RunInputs {
            roots: self.paths.clone(),
            parameters,
        });
        // Candidates parsed later count as templates here: a `--parameters TEMPLATE=` naming one
        // is not reported as unmatched.
        let ids = docs.iter().map(|(id, _)| *id);
        let template_ids: Vec<FileId> = ids.chain(singles.iter().map(|c| c.file)).collect();
        diagnostics.extend(run.parameters.unmatched(&template_ids, sources));
        let doc_refs: Vec<(FileId, &Document)> = docs.iter().map(|(id, d)| (*id, d)).collect();
        let groups = super::groups(&doc_refs, sources, run);
        drop(doc_refs);
        let mut units: Vec<Box<dyn Unit + 'r>> = Vec::new();
        for c in singles {
            units.push(Box::new(Templates {
                name: sources.get(c.file).display.clone(),
                files: vec![c.file],
                docs: Vec::new(),
                limits: Some(&self.limits),
                run,
                sources,
            }));
        }
        let mut by_file: HashMap<FileId, Document> = docs.into_iter().collect();
        for files in groups {
            let docs = files
                .iter()
                .filter_map(|id| by_file.remove(id).map(|d| (*id, d)))
                .collect();
            let name = files.first().map(|&f| sources.get(f).display.clone());
            units.push(Box::new(Templates {
                name: name.unwrap_or_default(),
                files,
                docs,
                limits: None,
                run,
                sources,
            }));
        }
        units
    }
}

/// Templates that refer to each other (usually just one), loaded into one model. The unit owns
/// their trees, so they are freed once it is linted.
struct Templates<'r> {
    name: String,
    files: Vec<FileId>,
    docs: Vec<(FileId, Document)>,
    /// `Some`: a single candidate still to be parsed, with these limits.
    limits: Option<&'r Limits>,
    run: &'r RunInputs,
    sources: &'r SourceMap,
}

impl Unit for Templates<'_> {
    fn name(&self) -> &str {
        &self.name
    }
    fn files(&self) -> &[FileId] {
        &self.files
    }
    fn parse(&mut self, diagnostics: &mut Vec<Diagnostic>) -> bool {
        let Some(limits) = self.limits else {
            return true;
        };
        let id = self.files[0];
        let parsed = parse_candidate(id, self.sources.get(id), limits);
        match accept_template(id, Ok(parsed), self.sources, diagnostics) {
            Some(doc) => {
                self.docs.push((id, doc));
                true
            }
            None => false,
        }
    }
    /// Each template on its own: its `Resources` entries.
    fn over_limit(&self, max: usize) -> Vec<Diagnostic> {
        let over = self.docs.iter().filter_map(|(id, doc)| {
            let resources = doc.root.get("Resources")?;
            let display = &self.sources.get(*id).display;
            let count = resources.entries().len();
            too_many_resources(count, max, resources.span, display)
        });
        over.collect()
    }
    fn load(&self) -> Loaded {
        let group: Vec<(FileId, &Document)> = self.docs.iter().map(|(id, d)| (*id, d)).collect();
        super::load_group(&group, self.sources, self.run)
    }
    fn counts(&self) -> Counts {
        Counts {
            terraform_modules: 0,
            templates: self.files.len(),
        }
    }
}

/// Whether a template may import or export values: it mentions `ImportValue` or has an `Export`
/// key (`Export:`, `"Export":`, `'Export' :`). A name that merely contains the word (a function
/// called `ExportOrders`) does not count: a quarter of a large run's templates did, and every
/// template that counts is parsed before the units are formed and kept until the end.
fn may_link(text: &str) -> bool {
    // memchr's substring search: several times faster than `str::contains` on large texts.
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"ImportValue").is_some() {
        return true;
    }
    memchr::memmem::find_iter(bytes, b"Export").any(|at| {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        let rest = text[at + "Export".len()..].trim_start_matches(['"', '\'']);
        rest.trim_start_matches([' ', '\t']).starts_with(':')
    })
}

/// Outcome of parsing a template candidate: `None` when it is not one (see `parse_candidate`).
type Parsed = Option<Result<Document, syntax::SyntaxError>>;

/// Parses a template candidate. `None`: not a template (decided cheaply on the text first, so
/// arbitrary YAML/JSON in a repository is never reported as broken).
fn parse_candidate(id: FileId, file: &SourceFile, limits: &Limits) -> Parsed {
    let text = &file.text;
    let looks_like_template = text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"));
    if !looks_like_template {
        return None;
    }
    let is_json =
        file.display.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    Some(if is_json {
        syntax::json::parse(id, text, limits)
    } else {
        syntax::yaml::parse(id, text, limits)
    })
}

/// The document of a candidate that is a lintable template; parse errors, duplicate keys and
/// caught panics become diagnostics.
fn accept_template(
    id: FileId,
    result: Result<Parsed, Diagnostic>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let display = &sources.get(id).display;
    match result {
        Ok(Some(Ok(doc))) if super::is_template(&doc) => {
            match duplicates::first_duplicate_key(&doc.root, sources.get(id)) {
                Some(e) => {
                    let code = codes::UNSUPPORTED_INPUT;
                    diagnostics.push(Diagnostic::input(code, e.span, display, e.message));
                    None
                }
                None => Some(doc),
            }
        }
        Ok(None | Some(Ok(_))) => None,
        Ok(Some(Err(e))) => {
            let code = match e.kind {
                syntax::SyntaxErrorKind::Invalid => codes::PARSE_ERROR,
                syntax::SyntaxErrorKind::Unsupported => codes::UNSUPPORTED_INPUT,
            };
            diagnostics.push(Diagnostic::input(code, e.span, display, e.message));
            None
        }
        Err(internal) => {
            diagnostics.push(internal);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_link;

    #[test]
    fn link_markers_are_imports_and_export_keys() {
        assert!(may_link("Value: !ImportValue shared-vpc"));
        assert!(may_link("{\"Fn::ImportValue\": \"x\"}"));
        assert!(may_link("Outputs:\n  Vpc:\n    Export:\n      Name: x"));
        assert!(may_link("{\"Export\" : {\"Name\": \"x\"}}"));
        assert!(may_link("    'Export'  : {Name: x}"));
        // Names that contain the word are not export keys.
        assert!(!may_link(
            "ExportOrdersFunction:\n  Type: AWS::Serverless::Function"
        ));
        assert!(!may_link("{\"Export2ServiceRole\": {}}"));
        assert!(!may_link("Description: Export data"));
    }
}
