//! Checking one unit: parse what is left, count resources, load, analyse, run the selected
//! rules. Each stage runs under the panic guard: a panic in parsing, loading or analysis ends
//! this unit with LVL903; a panic in a rule loses only that rule's findings for this unit.

use std::sync::Mutex;

use super::UnitModel;
use crate::analysis::Facts;
use crate::diagnostic::Diagnostic;
use crate::frontend::{Counts, Unit};
use crate::outcome::Report;
use crate::panic_guard::{self, internal_error};
use crate::rules::{self, RuleContext};
use crate::source::{FileId, SourceMap, Span};

/// What every unit is checked with.
pub(super) struct Checks<'a> {
    pub sources: &'a SourceMap,
    pub selected: &'a [(&'a rules::RuleEntry, &'a rules::RuleMeta)],
    pub custom: &'a [&'static rules::declarative::CustomRule],
    pub max_resources: usize,
    /// Where to keep each unit's model, when a command needs it after the run.
    pub keep: Option<&'a Mutex<Vec<UnitModel>>>,
    /// The secret values the front ends saw, masked before anything is rendered.
    pub secrets: &'a Mutex<Vec<String>>,
    /// Each unit's coverage entries (sorted after the run), and `--strict`.
    pub coverage: (&'a Mutex<Vec<crate::coverage::Entry>>, bool),
    /// The AWS snapshot: literal ids of each unit resolve against it after loading.
    pub snapshot: &'a crate::frontend::snapshot::Snapshot,
}

/// A unit's findings and what it adds to the summary.
#[derive(Default)]
pub(super) struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
    /// The unit's files, when it parsed (a candidate that is not a template has none).
    pub files: Vec<FileId>,
    pub functions: usize,
    pub vpc_functions: usize,
}

impl Checks<'_> {
    pub fn run(&self, mut unit: Box<dyn Unit + '_>) -> Checked {
        let mut out = Checked::default();
        let first = unit.files().first().copied();
        let span = Span::new(first.unwrap_or(FileId(0)), 0..0);
        match panic_guard::catch(|| unit.parse(&mut out.diagnostics)) {
            Ok(true) => {}
            Ok(false) => return out,
            Err(panic) => {
                let display = unit.name();
                out.diagnostics
                    .push(internal_error(span, display, None, &panic));
                return out;
            }
        }
        out.counts = unit.counts();
        out.files = unit.files().to_vec();
        if first.is_none() {
            return out;
        }
        let display = unit.name();
        let over = unit.over_limit(self.max_resources);
        if !over.is_empty() {
            out.diagnostics.extend(over);
            return out;
        }
        let loaded = match panic_guard::catch(|| {
            let mut loaded = unit.load_with(self.snapshot);
            crate::frontend::snapshot::link(&mut loaded.model, self.snapshot, self.sources);
            loaded
        }) {
            Ok(loaded) => loaded,
            Err(panic) => {
                out.diagnostics
                    .push(internal_error(span, display, None, &panic));
                return out;
            }
        };
        let found = &mut out.diagnostics;
        found.extend(loaded.diagnostics);
        lock(self.secrets).extend(loaded.secrets);
        let facts = match panic_guard::catch(|| Facts::new(&loaded.model)) {
            Ok(facts) => facts,
            Err(panic) => {
                found.push(internal_error(span, display, None, &panic));
                return out;
            }
        };
        let ctx = RuleContext {
            model: &loaded.model,
            facts: &facts,
            sources: self.sources,
        };
        for (entry, meta) in self.selected {
            let Some(check) = entry.check else { continue };
            let mut new = Vec::new();
            match panic_guard::catch(|| {
                fault_injection(&meta.id);
                check(&ctx, &mut new)
            }) {
                Ok(()) => found.extend(new),
                Err(panic) => found.push(internal_error(span, display, Some(&meta.id), &panic)),
            }
        }
        for rule in self.custom {
            let mut new = Vec::new();
            match panic_guard::catch(|| rules::declarative::run(rule, &ctx, &mut new)) {
                Ok(()) => found.extend(new),
                Err(panic) => {
                    found.push(internal_error(span, display, Some(&rule.meta.id), &panic))
                }
            }
        }
        // Per-unit work that needs the model and its facts goes here: both exist, and the model
        // is dropped (or kept for `graph`) right below.
        // Coverage: what this unit could not verify (LVL906 notes under `--strict`).
        let files = unit.files();
        match panic_guard::catch(|| {
            crate::coverage::of_unit(&loaded.model, &facts, files, self.sources)
        }) {
            Ok(entries) => {
                if self.coverage.1 {
                    let selected = |id: &str| self.selected.iter().any(|(_, m)| m.id == id);
                    found.extend(crate::coverage::diagnostics(
                        &entries,
                        self.sources,
                        &selected,
                    ));
                }
                lock(self.coverage.0).extend(entries);
            }
            Err(panic) => found.push(internal_error(span, display, Some("LVL906"), &panic)),
        }
        let functions = &loaded.model.functions;
        out.functions = functions.len();
        out.vpc_functions = functions.iter().filter(|f| f.vpc_config.is_some()).count();
        drop(facts);
        if let Some(keep) = self.keep {
            lock(keep).push(UnitModel {
                name: display.to_string(),
                model: loaded.model,
                diagnostics: out.diagnostics.clone(),
                secrets: Default::default(),
            });
        }
        out
    }
}

/// Masks the secret values the front ends reported in the sources and the report (see
/// `crate::secrets`); returns them for the commands that render models.
pub(super) fn mask_secrets(
    found: Mutex<Vec<String>>,
    report: &mut Report,
    sources: &mut SourceMap,
) -> std::sync::Arc<crate::secrets::Secrets> {
    let found = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let secrets = crate::secrets::Secrets::new(found);
    if !secrets.is_empty() {
        secrets.mask_sources(sources);
        secrets.mask_report(report);
    }
    secrets.shared()
}

/// A poisoned lock only means another unit panicked; the list itself stays consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Test hook for the panic guard (see [`panic_guard::fault_injection`]): `LVL_DEBUG_PANIC=LVL001`
/// makes rule LVL001 panic.
#[track_caller]
fn fault_injection(rule: &str) {
    panic_guard::fault_injection(rule);
}
