//! Criterion benchmarks of each pipeline stage and of the whole run, on generated input
//! (bench/synth): parse, load (front ends), analyze (facts), check (rules), report, end to end.
//!
//! `cargo bench --bench pipeline` (all), `cargo bench --bench pipeline -- parse` (one group).
//! The stage groups share one 100-file set (25 Terraform modules, 50 templates); the end-to-end
//! group runs `engine::lint` on 10, 100 and 1,000 files written to a temporary directory.

#[path = "../bench/synth/mod.rs"]
#[allow(dead_code)]
mod synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use lambda_vpc_lint::analysis::Facts;
use lambda_vpc_lint::engine::{self, Options, Report};
use lambda_vpc_lint::frontend::{cloudformation, terraform, Loaded};
use lambda_vpc_lint::report::{self, Format, RenderOptions};
use lambda_vpc_lint::rules::{RuleContext, REGISTRY};
use lambda_vpc_lint::source::{FileId, SourceFile, SourceMap};
use lambda_vpc_lint::syntax::{self, Document, Limits};

/// The stage inputs: the sources, the Terraform modules (file ids) and the parsed templates.
struct Stage {
    sources: SourceMap,
    modules: Vec<(String, Vec<FileId>)>,
    tf: Vec<FileId>,
    yaml: Vec<FileId>,
    json: Vec<FileId>,
    docs: Vec<(FileId, Document)>,
}

impl Stage {
    fn new(files: usize) -> Stage {
        let (set, _) = synth::generate(&synth::Config::for_files(files, 1, 0.2));
        let mut s = Stage {
            sources: SourceMap::default(),
            modules: Vec::new(),
            tf: Vec::new(),
            yaml: Vec::new(),
            json: Vec::new(),
            docs: Vec::new(),
        };
        for f in set {
            let id = s.sources.add(SourceFile::new(
                PathBuf::from(&f.path),
                f.path.clone(),
                f.text,
            ));
            if let Some((dir, _)) = f.path.rsplit_once('/').filter(|_| f.path.ends_with(".tf")) {
                match s.modules.last_mut() {
                    Some((d, ids)) if d == dir => ids.push(id),
                    _ => s.modules.push((dir.to_string(), vec![id])),
                }
                s.tf.push(id);
            } else if f.path.ends_with(".json") {
                s.json.push(id);
            } else {
                s.yaml.push(id);
            }
        }
        let limits = Limits::default();
        for &id in s.yaml.iter().chain(&s.json) {
            let doc = parse_template(&s.sources, id, &limits);
            s.docs.push((id, doc));
        }
        s
    }

    fn bytes(&self, ids: &[FileId]) -> u64 {
        ids.iter()
            .map(|&id| self.sources.get(id).text.len() as u64)
            .sum()
    }

    fn load_all(&self) -> Vec<Loaded> {
        let mut out: Vec<Loaded> = self
            .modules
            .iter()
            .map(|(name, ids)| terraform::load(name, ids, &self.sources))
            .collect();
        out.extend(
            self.docs
                .iter()
                .map(|(id, doc)| cloudformation::load(*id, doc, &self.sources)),
        );
        out
    }
}

fn parse_template(sources: &SourceMap, id: FileId, limits: &Limits) -> Document {
    let file = sources.get(id);
    let parsed = if file.display.ends_with(".json") {
        syntax::json::parse(id, &file.text, limits)
    } else {
        syntax::yaml::parse(id, &file.text, limits)
    };
    parsed.unwrap_or_else(|e| panic!("{}: {}", file.display, e.message))
}

fn run_rules(loaded: &Loaded, facts: &Facts<'_>, sources: &SourceMap) -> usize {
    let ctx = RuleContext {
        model: &loaded.model,
        facts,
        sources,
    };
    let mut out = Vec::new();
    for check in REGISTRY.iter().filter_map(|e| e.check) {
        check(&ctx, &mut out);
    }
    out.len()
}

fn stages(c: &mut Criterion) {
    let s = Stage::new(100);
    let limits = Limits::default();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(s.bytes(&s.tf)));
    g.bench_function("terraform_hcl", |b| {
        b.iter(|| {
            for &id in &s.tf {
                let body = hcl_edit::parser::parse_body(&s.sources.get(id).text);
                black_box(body.is_ok());
            }
        })
    });
    g.throughput(Throughput::Bytes(s.bytes(&s.yaml)));
    g.bench_function("yaml", |b| {
        b.iter(|| {
            for &id in &s.yaml {
                black_box(parse_template(&s.sources, id, &limits));
            }
        })
    });
    g.throughput(Throughput::Bytes(s.bytes(&s.json)));
    g.bench_function("json", |b| {
        b.iter(|| {
            for &id in &s.json {
                black_box(parse_template(&s.sources, id, &limits));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("load");
    // Terraform's load parses its files itself: subtract `parse/terraform_hcl` for evaluation.
    g.throughput(Throughput::Bytes(s.bytes(&s.tf)));
    g.bench_function("terraform_parse_and_eval", |b| {
        b.iter(|| {
            for (name, ids) in &s.modules {
                black_box(terraform::load(name, ids, &s.sources));
            }
        })
    });
    g.bench_function("cloudformation", |b| {
        b.iter(|| {
            for (id, doc) in &s.docs {
                black_box(cloudformation::load(*id, doc, &s.sources));
            }
        })
    });
    g.finish();

    let loaded = s.load_all();
    let mut g = c.benchmark_group("analyze");
    g.bench_function("facts", |b| {
        b.iter(|| {
            for l in &loaded {
                black_box(Facts::new(&l.model));
            }
        })
    });
    g.finish();

    let facts: Vec<Facts<'_>> = loaded.iter().map(|l| Facts::new(&l.model)).collect();
    let mut g = c.benchmark_group("check");
    g.bench_function("all_rules", |b| {
        b.iter(|| {
            let n: usize = loaded
                .iter()
                .zip(&facts)
                .map(|(l, f)| run_rules(l, f, &s.sources))
                .sum();
            black_box(n)
        })
    });
    g.finish();
}

fn write_set(files: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let (set, expected) = synth::generate(&synth::Config::for_files(files, 1, 0.2));
    synth::write(dir.path(), &set, &expected).expect("write set");
    dir
}

fn options(dir: &std::path::Path, jobs: usize) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        base: dir.to_path_buf(),
        jobs,
        ..Options::default()
    }
}

fn reports(c: &mut Criterion) {
    let dir = write_set(100);
    let (report, sources): (Report, SourceMap) = engine::lint(&options(dir.path(), 1));
    let mut g = c.benchmark_group("report");
    for (name, format) in [
        ("text", Format::Text),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
    ] {
        g.bench_function(name, |b| {
            let mut out = Vec::with_capacity(1 << 20);
            b.iter(|| {
                out.clear();
                report::render(
                    &report,
                    &sources,
                    format,
                    &RenderOptions::default(),
                    &mut out,
                )
                .expect("render");
                black_box(out.len())
            })
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10);
    for files in [10, 100, 1000] {
        let dir = write_set(files);
        let bytes: u64 = walk_bytes(dir.path());
        g.throughput(Throughput::Bytes(bytes));
        for jobs in [1, 2] {
            let opts = options(dir.path(), jobs);
            g.bench_with_input(
                BenchmarkId::new(format!("jobs{jobs}"), files),
                &opts,
                |b, o| b.iter(|| black_box(engine::lint(o).0.diagnostics.len())),
            );
        }
    }
    g.finish();
}

fn walk_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = stages, reports, end_to_end
}
criterion_main!(benches);
