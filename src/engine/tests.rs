//! The driver with a front end of its own: it needs nothing but the [`FrontEnd`] interface.

use std::path::PathBuf;

use super::{drive, read, Options, Timings};
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::FileKind;
use crate::frontend::{Claimed, Counts, FrontEnd, Loaded, Unit};
use crate::source::{FileId, SourceMap, Span};

/// Claims texts that start with `fake`; its option file does not exist.
struct Fake;

impl FrontEnd for Fake {
    fn claim(&self, kind: FileKind, text: &str) -> Option<u8> {
        (kind == FileKind::TemplateCandidate && text.starts_with("fake")).then_some(7)
    }
    fn option_files(&self) -> Vec<PathBuf> {
        vec![PathBuf::from("/no/such/dir/input.fake")]
    }
    fn units<'r>(
        &'r self,
        claimed: Vec<Claimed>,
        options: Vec<Option<FileId>>,
        sources: &'r SourceMap,
        _diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Box<dyn Unit + 'r>> {
        // The unreadable option file was reported by the driver, not handed over.
        assert!(matches!(options[..], [None]));
        let units = claimed.into_iter().map(|c| {
            assert_eq!(c.tag, 7);
            let name = sources.get(c.file).display.clone();
            Box::new(FakeUnit {
                panics: sources.get(c.file).text.contains("panic"),
                files: vec![c.file],
                name,
            }) as Box<dyn Unit>
        });
        units.collect()
    }
}

struct FakeUnit {
    name: String,
    files: Vec<FileId>,
    panics: bool,
}

impl Unit for FakeUnit {
    fn name(&self) -> &str {
        &self.name
    }
    fn files(&self) -> &[FileId] {
        &self.files
    }
    fn over_limit(&self, _max: usize) -> Vec<Diagnostic> {
        Vec::new()
    }
    fn load(&self) -> Loaded {
        assert!(!self.panics, "fake front end panics");
        let span = Span::new(self.files[0], 0..4);
        let found = Diagnostic::input(codes::UNSUPPORTED_INPUT, span, &self.name, "fake".into());
        Loaded {
            diagnostics: vec![found],
            ..Loaded::default()
        }
    }
    fn counts(&self) -> Counts {
        Counts {
            terraform_modules: 0,
            templates: 1,
        }
    }
}

fn run(text: &str) -> Vec<String> {
    let front_ends: [&dyn FrontEnd; 1] = [&Fake];
    let gathered = read::one_file("x.fake", text.into(), &front_ends);
    let options = Options::default();
    let (report, sources, _) = drive(&options, &front_ends, gathered, false, Timings::from_env());
    // Unclaimed text is read, but not linted.
    let linted = if text.starts_with("fake") { 2 } else { 1 };
    assert_eq!(report.stats.files, linted, "the text and the option file");
    let found = report.diagnostics.iter();
    let mut found: Vec<String> = found
        .map(|d| format!("{} {}", d.code, sources.get(d.span.file).display))
        .collect();
    found.push(format!("templates {}", report.stats.templates));
    found
}

#[test]
fn the_driver_needs_only_the_front_end_interface() {
    assert_eq!(
        run("fake unit"),
        [
            "LVL902 /no/such/dir/input.fake",
            "LVL901 x.fake",
            "templates 1"
        ]
    );
    // A panic in loading is LVL903 for the unit; a file nobody claims is no unit.
    assert_eq!(
        run("fake panic"),
        [
            "LVL902 /no/such/dir/input.fake",
            "LVL903 x.fake",
            "templates 1"
        ]
    );
    assert_eq!(
        run("not claimed"),
        ["LVL902 /no/such/dir/input.fake", "templates 0"]
    );
}
