//! Parses every CloudFormation-looking template of the shared real-world corpus with the YAML or
//! JSON parser, and fails on any parse error that is not listed below with its reason.
//!
//! Corpus: `$LVL_CORPUS`, or `../shared/corpus` next to the repository; files come from the
//! `local_path` column of its MANIFEST.tsv. The corpus is read, never copied into the project.

mod common;

use std::path::{Path, PathBuf};

use lambda_vpc_lint::source::{FileId, SourceFile};
use lambda_vpc_lint::syntax::{self, Limits};

/// Files whose parse failure is the correct answer, with the reason.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

fn corpus_dir() -> PathBuf {
    match std::env::var_os("LVL_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

fn is_template_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".yaml", ".yml", ".json", ".template", ".cform"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The engine's cheap pre-check: only files that look like CloudFormation are parsed.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

#[test]
fn corpus_templates_parse() {
    let dir = corpus_dir();
    let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
        common::missing_input("the shared corpus (set LVL_CORPUS)", &dir);
        return;
    };
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = header
        .iter()
        .position(|h| *h == "local_path")
        .expect("MANIFEST.tsv has a local_path column");

    let (mut parsed, mut failures, mut expected_seen) = (0, Vec::new(), Vec::new());
    for line in lines {
        let Some(rel) = line.split('\t').nth(col) else {
            continue;
        };
        if !is_template_file(rel) {
            continue;
        }
        let path = dir.join(rel);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Ok(text) = lambda_vpc_lint::source::decode(bytes) else {
            failures.push(format!("{rel}: invalid UTF-8"));
            continue;
        };
        if !looks_like_template(&text) {
            continue;
        }
        let is_json =
            rel.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
        let result = if is_json {
            syntax::json::parse(FileId(0), &text, &Limits::default())
        } else {
            syntax::yaml::parse(FileId(0), &text, &Limits::default())
        };
        let kind = if is_json { "json" } else { "yaml" };
        match result {
            Ok(doc) => {
                parsed += 1;
                println!(
                    "ok     {kind} {rel} ({} top-level keys)",
                    doc.root.entries().len()
                );
            }
            Err(e) => {
                let file = SourceFile::new(path.clone(), rel.to_string(), text);
                let p = file.position(e.span.start);
                let line = format!("{rel}:{}:{}: {}", p.line, p.column, e.message);
                println!("error  {kind} {line}");
                match EXPECTED_FAILURES.iter().find(|(f, _)| *f == rel) {
                    Some(_) => expected_seen.push(rel.to_string()),
                    None => failures.push(line),
                }
            }
        }
    }
    println!(
        "{parsed} templates parsed, {} expected failures",
        expected_seen.len()
    );
    assert!(
        parsed > 0,
        "no template found in the corpus at {}",
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "unexpected parse failures:\n{}",
        failures.join("\n")
    );
    for (f, why) in EXPECTED_FAILURES {
        assert!(
            expected_seen.iter().any(|s| s == f),
            "{f} was expected to fail ({why}) but parsed"
        );
    }
}

/// A CloudFormation-like template of about `target` bytes, as YAML and as JSON, with the number
/// of resources in it.
fn generated_templates(target: usize) -> (String, String, usize) {
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n");
    let mut json =
        String::from("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n");
    let mut n = 0;
    while yaml.len() < target {
        if n > 0 {
            json.push_str(",\n");
        }
        yaml.push_str(&format!(
            "  # function {n}\n  Fn{n}:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Sub '${{AWS::StackName}}-fn-{n}'\n      Role: !GetAtt Role{n}.Arn\n      Runtime: python3.12\n      MemorySize: 256\n      Timeout: 30\n      Environment:\n        Variables:\n          TABLE: !Ref Table\n          MODE: \"production\"\n      VpcConfig:\n        SecurityGroupIds: [!Ref Sg{n}]\n        SubnetIds:\n          - !Ref SubnetA\n          - !If [HasB, !Ref SubnetB, !Ref AWS::NoValue]\n          - !Select [0, !Split [',', !ImportValue shared-subnets]]\n      Code:\n        ZipFile: |\n          def handler(event, context):\n              return {n}\n"
        ));
        json.push_str(&format!(
            "    \"Fn{n}\": {{\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {{\n        \"FunctionName\": {{\"Fn::Sub\": \"${{AWS::StackName}}-fn-{n}\"}},\n        \"Role\": {{\"Fn::GetAtt\": [\"Role{n}\", \"Arn\"]}},\n        \"Runtime\": \"python3.12\",\n        \"MemorySize\": 256,\n        \"Timeout\": 30,\n        \"Environment\": {{\"Variables\": {{\"TABLE\": {{\"Ref\": \"Table\"}}, \"MODE\": \"production\"}}}},\n        \"VpcConfig\": {{\n          \"SecurityGroupIds\": [{{\"Ref\": \"Sg{n}\"}}],\n          \"SubnetIds\": [\n            {{\"Ref\": \"SubnetA\"}},\n            {{\"Fn::If\": [\"HasB\", {{\"Ref\": \"SubnetB\"}}, {{\"Ref\": \"AWS::NoValue\"}}]}},\n            {{\"Fn::Select\": [0, {{\"Fn::Split\": [\",\", {{\"Fn::ImportValue\": \"shared-subnets\"}}]}}]}}\n          ]\n        }},\n        \"Code\": {{\"ZipFile\": \"def handler(event, context):\\n    return {n}\\n\"}}\n      }}\n    }}"
        ));
        n += 1;
    }
    json.push_str("\n  }\n}\n");
    (yaml, json, n)
}

type ParseFn = fn(FileId, &str, &Limits) -> Result<syntax::Document, syntax::SyntaxError>;

/// Throughput on ~5 MB generated templates. Run with
/// `cargo test --test syntax_corpus -- --ignored --nocapture` (numbers depend on the profile).
#[test]
#[ignore = "measurement; prints MB/s"]
fn throughput() {
    let (yaml, json, resources) = generated_templates(5 << 20);
    let limits = Limits::default();
    let parsers: [(&str, &str, ParseFn); 2] = [
        ("yaml", &yaml, syntax::yaml::parse),
        ("json", &json, syntax::json::parse),
    ];
    for (name, text, parse) in parsers {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            let doc = parse(FileId(0), text, &limits).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            best = best.min(started.elapsed().as_secs_f64());
            let fns = doc.root.get("Resources").map_or(0, |r| r.entries().len());
            assert_eq!(fns, resources, "{name}");
        }
        let mb = text.len() as f64 / 1e6;
        println!(
            "{name}: {mb:.2} MB, {resources} resources, best of 3 {best:.3} s = {:.1} MB/s",
            mb / best
        );
    }
}
