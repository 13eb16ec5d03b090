//! One shared diagnostic set rendered through every output format: a snapshot per format, the
//! JSON checked against `src/report/json.schema.json`, the SARIF against the OASIS 2.1.0 schema
//! (read from ../shared/schemas or $LVL_SARIF_SCHEMA), escaping of hostile input, determinism.

mod common;

use std::path::{Path, PathBuf};

use lambda_vpc_lint::diagnostic::{Diagnostic, Severity, Step};
use lambda_vpc_lint::engine::{self, Report, Stats};
use lambda_vpc_lint::report::{render, Format, RenderOptions};
use lambda_vpc_lint::rules::catalog;
use lambda_vpc_lint::source::{FileId, SourceFile, SourceMap, Span};
use serde_json::Value;

const MAIN_TF: &str = r#"resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  vpc_config {
    subnet_ids         = [aws_subnet.public.id]
    security_group_ids = [aws_security_group.api.id]
  }
  tags = { Owner = "café 😀", Uses = "sqs" }
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}
"#;

const TEMPLATE_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt WorkerRole.Arn
      VpcConfig:
        SubnetIds:
          - subnet-0abc
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
"#;

struct Fixture {
    sources: SourceMap,
    report: Report,
}

/// The span of the `nth` (0-based) occurrence of `needle` in a file.
fn at(sources: &SourceMap, file: FileId, needle: &str, nth: usize) -> Span {
    let text = &sources.get(file).text;
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("fixture lacks {needle:?} #{nth}"))
        .0;
    Span::new(file, start..start + needle.len())
}

fn step(sources: &SourceMap, file: FileId, needle: &str, text: &str) -> Step {
    Step {
        span: at(sources, file, needle, 0),
        text: text.into(),
    }
}

fn fixture() -> Fixture {
    let mut sources = SourceMap::default();
    let tf = sources.add(SourceFile::new(
        PathBuf::from("infra/main.tf"),
        "infra/main.tf".into(),
        MAIN_TF.into(),
    ));
    let cfn = sources.add(SourceFile::new(
        PathBuf::from("sam app/template.yaml"),
        "sam app/template.yaml".into(),
        TEMPLATE_YAML.into(),
    ));
    let broken = sources.add(SourceFile::new(
        PathBuf::from("cdk.out/Broken.template.json"),
        "cdk.out/Broken.template.json".into(),
        String::new(),
    ));
    let s = &sources;
    let mut diagnostics = vec![
        Diagnostic {
            code: "LVL001",
            slug: "public-subnet-no-internet",
            severity: Severity::Error,
            message: "function `aws_lambda_function.api` is attached to subnet `aws_subnet.public`, whose only default route goes to an internet gateway".into(),
            span: at(s, tf, "aws_subnet.public.id", 0),
            proof: vec![
                step(s, tf, "resource \"aws_lambda_function\" \"api\"", "function `aws_lambda_function.api` runs in subnet `aws_subnet.public`"),
                step(s, tf, "resource \"aws_route_table_association\" \"public\"", "subnet `aws_subnet.public` is associated with route table `aws_route_table.public`"),
                step(s, tf, "cidr_block = \"0.0.0.0/0\"", "route `0.0.0.0/0` of `aws_route_table.public`"),
                step(s, tf, "aws_internet_gateway.main.id", "goes to internet gateway `aws_internet_gateway.main`: Lambda ENIs have no public IP"),
            ],
            fix: Some("Attach the function to private subnets whose default route goes to a NAT gateway:\n\n  vpc_config {\n    subnet_ids = aws_subnet.private[*].id\n  }\n".into()),
            fingerprint: Diagnostic::fingerprint_of("LVL001", "infra/main.tf", &["aws_lambda_function.api", "aws_subnet.public"]),
            edits: Vec::new(),
        },
        Diagnostic {
            code: "LVL003",
            slug: "service-without-endpoint",
            severity: Severity::Warning,
            message: "function `aws_lambda_function.api` uses SQS, which it cannot reach without a VPC endpoint".into(),
            span: at(s, tf, "Uses = \"sqs\"", 0),
            proof: vec![step(s, tf, "resource \"aws_lambda_function\" \"api\"", "function `aws_lambda_function.api` (owner `café 😀`)")],
            fix: None,
            fingerprint: Diagnostic::fingerprint_of("LVL003", "infra/main.tf", &["aws_lambda_function.api", "sqs"]),
            edits: Vec::new(),
        },
        Diagnostic {
            code: "LVL002",
            slug: "no-egress-path",
            severity: Severity::Note,
            message: "function `Worker` uses subnet `subnet-0abc`, which is defined in Terraform; its egress was checked there".into(),
            span: at(s, cfn, "subnet-0abc", 0),
            proof: vec![
                step(s, cfn, "Worker:", "function `Worker` runs in subnet `subnet-0abc`"),
                step(s, tf, "resource \"aws_subnet\" \"public\"", "subnet `aws_subnet.public` has the ID `subnet-0abc`"),
            ],
            fix: None,
            fingerprint: Diagnostic::fingerprint_of("LVL002", "sam app/template.yaml", &["Worker", "subnet-0abc"]),
            edits: Vec::new(),
        },
        Diagnostic {
            code: "LVL101",
            slug: "missing-eni-permissions",
            severity: Severity::Error,
            message: "role `WorkerRole` of function `Worker` cannot create network interfaces".into(),
            span: at(s, cfn, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", 0),
            proof: vec![
                step(s, cfn, "Role: !GetAtt WorkerRole.Arn", "function `Worker` uses role `WorkerRole`"),
                step(s, cfn, "ManagedPolicyArns:", "role `WorkerRole` has only `AWSLambdaBasicExecutionRole`, without `ec2:CreateNetworkInterface`"),
            ],
            fix: Some("Use the VPC access policy instead:\n\n      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole\n".into()),
            fingerprint: Diagnostic::fingerprint_of("LVL101", "sam app/template.yaml", &["Worker", "WorkerRole"]),
            edits: Vec::new(),
        },
        Diagnostic::input(
            ("LVL902", "unreadable-file"),
            Span::new(broken, 0..0),
            "cdk.out/Broken.template.json",
            "invalid UTF-8 at byte 17".into(),
        ),
    ];
    engine::sort(&mut diagnostics, &sources);
    Fixture {
        report: Report {
            diagnostics,
            stats: Stats {
                files: 3,
                terraform_modules: 1,
                templates: 1,
                functions: 2,
                vpc_functions: 2,
            },
            suppressed: Vec::new(),
            coverage: Default::default(),
        },
        sources,
    }
}

fn render_to_string(f: &Fixture, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    render(
        &f.report,
        &f.sources,
        format,
        &RenderOptions { color },
        &mut out,
    )
    .expect("render");
    String::from_utf8(out).expect("UTF-8 output")
}

/// The tool version changes with every release; snapshots should not.
fn without_version(s: &str) -> String {
    s.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

/// SARIF rule descriptors come from `rules/*.yaml`, which other people edit: the snapshot keeps
/// only their IDs, and `sarif_descriptors_follow_the_catalog` checks their content.
fn sarif_for_snapshot(s: &str) -> String {
    let mut v: Value = serde_json::from_str(s).expect("SARIF is JSON");
    if let Some(rules) = v.pointer_mut("/runs/0/tool/driver/rules") {
        let ids: Vec<Value> = rules
            .as_array()
            .expect("rules array")
            .iter()
            .map(|r| r["id"].clone())
            .collect();
        *rules = Value::Array(ids);
    }
    without_version(&serde_json::to_string_pretty(&v).expect("JSON"))
}

#[test]
fn snapshots_of_every_format() {
    let f = fixture();
    let cases: &[(&str, Format)] = &[
        ("text", Format::Text),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
    ];
    for (name, format) in cases {
        let out = render_to_string(&f, *format, false);
        let shown = match format {
            Format::Sarif => sarif_for_snapshot(&out),
            _ => without_version(&out),
        };
        insta::assert_snapshot!(*name, shown);
    }
}

#[test]
fn output_is_deterministic() {
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        for color in [false, true] {
            let a = render_to_string(&fixture(), format, color);
            let b = render_to_string(&fixture(), format, color);
            assert_eq!(a, b, "{format:?} color={color}");
        }
    }
}

#[test]
fn text_colour_only_when_asked() {
    let f = fixture();
    let plain = render_to_string(&f, Format::Text, false);
    assert!(!plain.contains('\u{1b}'), "plain text has ANSI escapes");
    let styled = render_to_string(&f, Format::Text, true);
    assert!(
        styled.contains("\u{1b}["),
        "coloured text has no ANSI escapes"
    );
    // Same words either way.
    let stripped: String = strip_ansi(&styled);
    assert_eq!(stripped.lines().count(), plain.lines().count());
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte; OSC 8 hyperlinks: ESC ] ... ESC \
            match chars.next() {
                Some('[') => {
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn text_summary_when_clean() {
    let f = Fixture {
        sources: SourceMap::default(),
        report: Report {
            diagnostics: Vec::new(),
            stats: Stats {
                files: 2,
                terraform_modules: 1,
                templates: 1,
                functions: 1,
                vpc_functions: 1,
            },
            suppressed: Vec::new(),
            coverage: Default::default(),
        },
    };
    assert_eq!(
        render_to_string(&f, Format::Text, false),
        "no problems found in 2 files (1 Terraform module, 1 template; 1 VPC function)\n"
    );
    let json: Value =
        serde_json::from_str(&render_to_string(&f, Format::Json, false)).expect("JSON");
    assert_eq!(json["diagnostics"], Value::Array(vec![]));
    assert_eq!(render_to_string(&f, Format::Github, false), "");
}

fn json_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/json.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read json.schema.json"))
        .expect("json.schema.json is JSON")
}

#[test]
fn json_matches_its_schema() {
    let schema = json_schema();
    jsonschema::meta::validate(&schema).expect("json.schema.json is a valid JSON Schema");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let out = render_to_string(&fixture(), Format::Json, false);
    assert!(
        out.ends_with("}\n"),
        "pretty-printed with a trailing newline"
    );
    let instance: Value = serde_json::from_str(&out).expect("JSON output parses");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "JSON output violates its schema:\n{}",
        errors.join("\n")
    );

    // The schema is strict enough to notice a broken report.
    let broken: &[(&str, Value)] = &[
        ("/diagnostics/0/severity", Value::from("fatal")),
        ("/diagnostics/0/start/line", Value::from(0)),
        ("/summary/errors", Value::from("2")),
    ];
    for (pointer, bad) in broken {
        let mut v = instance.clone();
        *v.pointer_mut(pointer).expect("pointer exists") = bad.clone();
        assert!(!validator.is_valid(&v), "schema accepts {pointer} = {bad}");
    }
    let mut v = instance.clone();
    v["diagnostics"][0]
        .as_object_mut()
        .expect("object")
        .remove("fingerprint");
    assert!(
        !validator.is_valid(&v),
        "schema accepts a diagnostic without fingerprint"
    );
}

#[test]
fn columns_count_characters_in_json_and_utf16_in_sarif() {
    let f = fixture();
    let line = MAIN_TF
        .lines()
        .find(|l| l.contains("café"))
        .expect("café line");
    let prefix = &line[..line.find("Uses").expect("Uses")];
    let chars = prefix.chars().count() as u64 + 1;
    let utf16 = prefix.encode_utf16().count() as u64 + 1;
    assert_ne!(chars, utf16, "the fixture must tell the two apart");

    let json: Value =
        serde_json::from_str(&render_to_string(&f, Format::Json, false)).expect("JSON");
    let d = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "LVL003")
        .expect("LVL003");
    assert_eq!(d["start"]["column"], chars);

    let sarif: Value =
        serde_json::from_str(&render_to_string(&f, Format::Sarif, false)).expect("SARIF");
    let r = sarif["runs"][0]["results"]
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["ruleId"] == "LVL003")
        .expect("LVL003");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], utf16);
    assert_eq!(sarif["runs"][0]["columnKind"], "utf16CodeUnits");
}

/// The OASIS schema lives outside the repository (see `common::missing_input`).
fn sarif_schema() -> Option<Value> {
    let text = common::sarif_schema()?;
    Some(serde_json::from_str(&text).expect("SARIF schema is JSON"))
}

#[test]
fn sarif_matches_the_oasis_schema() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let out = render_to_string(&fixture(), Format::Sarif, false);
    let instance: Value = serde_json::from_str(&out).expect("SARIF parses");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF violates the 2.1.0 schema:\n{}",
        errors.join("\n")
    );

    let mut v = instance.clone();
    v["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&v), "the schema check cannot fail");
}

#[test]
fn sarif_results_carry_the_proof_and_fingerprint() {
    let f = fixture();
    let sarif: Value =
        serde_json::from_str(&render_to_string(&f, Format::Sarif, false)).expect("SARIF");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), f.report.diagnostics.len());
    for (r, d) in results.iter().zip(&f.report.diagnostics) {
        assert_eq!(r["ruleId"], d.code);
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], d.code, "ruleIndex points at the rule");
        assert_eq!(
            r["partialFingerprints"]["lambdaVpcLint/v1"],
            d.fingerprint.as_str()
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(!uri.contains(' ') && !uri.contains('\\'), "uri {uri}");
        let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(related, d.proof.len());
        if d.proof.is_empty() {
            assert!(r.get("codeFlows").is_none());
        } else {
            let flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .expect("flow");
            let texts: Vec<&str> = flow
                .iter()
                .map(|l| l["location"]["message"]["text"].as_str().expect("text"))
                .collect();
            let want: Vec<&str> = d.proof.iter().map(|s| s.text.as_str()).collect();
            assert_eq!(texts, want);
        }
    }
}

#[test]
fn sarif_descriptors_follow_the_catalog() {
    let sarif: Value =
        serde_json::from_str(&render_to_string(&fixture(), Format::Sarif, false)).expect("SARIF");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), catalog().len());
    for (r, meta) in rules.iter().zip(catalog()) {
        assert_eq!(r["id"], meta.id.as_str());
        assert_eq!(r["name"], meta.slug.as_str());
        assert_eq!(r["shortDescription"]["text"], meta.title.as_str());
        assert_eq!(r["defaultConfiguration"]["level"], meta.severity.as_str());
        let markdown = r["help"]["markdown"].as_str().expect("markdown");
        assert!(
            markdown.contains(meta.why.trim()) && markdown.contains(meta.fix.trim()),
            "{}",
            meta.id
        );
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            tags.contains(&"security"),
            meta.security_severity.is_some(),
            "{}",
            meta.id
        );
        assert!(tags.len() <= 20, "GitHub keeps at most 20 tags");
        assert_eq!(r["properties"]["precision"], "very-high");
        assert_eq!(
            r["properties"]
                .get("security-severity")
                .and_then(Value::as_str),
            meta.security_severity.as_deref()
        );
    }
}

#[test]
fn sarif_truncates_at_the_github_limit() {
    let mut f = fixture();
    let template = f.report.diagnostics[0].clone();
    let mut note = template.clone();
    note.severity = Severity::Note;
    // Errors after notes in report order: truncation must still keep every error.
    let mut many = vec![note; 25_000];
    many.extend(std::iter::repeat_n(template, 3));
    f.report.diagnostics = many;
    let sarif: Value =
        serde_json::from_str(&render_to_string(&f, Format::Sarif, false)).expect("SARIF");
    if let Some(schema) = sarif_schema() {
        let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
        assert!(
            validator.is_valid(&sarif),
            "truncated SARIF violates the schema"
        );
    }
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 3);
    assert_eq!(run["properties"]["resultsTruncated"], true);
    assert_eq!(run["properties"]["totalResults"], 25_003);
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .expect("notification");
    assert!(note.contains("25003"), "{note}");
}

/// A diagnostic whose every text field is hostile: terminal escapes, bidi overrides and
/// workflow commands hidden behind line breaks.
fn hostile() -> Fixture {
    let mut sources = SourceMap::default();
    let text = "name = \"evil\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\"\n";
    let file = sources.add(SourceFile::new(
        PathBuf::from("x.tf"),
        "dir,a:b/x\n::warning::.tf".into(),
        text.into(),
    ));
    let d = Diagnostic {
        code: "LVL001",
        slug: "public-subnet-no-internet",
        severity: Severity::Error,
        message: "function `evil\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}\u{7f}` 100%0A\n::add-mask::x\r\n::stop-commands::tok".into(),
        span: Span::new(file, 0..text.len() - 1),
        proof: vec![Step {
            span: Span::new(file, 8..12),
            text: "step\n::error::injected\u{1b}[0m".into(),
        }],
        fix: Some("line one\n::set-output name=x::y\r\n\tindented %\n".into()),
        fingerprint: "00ff".into(),
        edits: Vec::new(),
    };
    Fixture {
        report: Report {
            diagnostics: vec![d],
            stats: Stats::default(),
            suppressed: Vec::new(),
            coverage: Default::default(),
        },
        sources,
    }
}

#[test]
fn github_output_cannot_inject_commands() {
    let out = render_to_string(&hostile(), Format::Github, false);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one line per diagnostic:\n{out}");
    assert!(
        lines[0].starts_with("::error file=dir%2Ca%3Ab/x\\n%3A%3Awarning%3A%3A.tf,line=1,"),
        "{out}"
    );
    // The properties end at the first `::` after the command name: none of the input's `:` is raw.
    let (props, _) = lines[0]["::error ".len()..]
        .split_once("::")
        .expect("data separator");
    assert_eq!(
        props,
        "file=dir%2Ca%3Ab/x\\n%3A%3Awarning%3A%3A.tf,line=1,col=1,endLine=1,endColumn=29,title=LVL001 public-subnet-no-internet"
    );
    assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
    // The escaped newline shows the hostile text as data, and `%` cannot be re-decoded.
    assert!(out.contains("100%250A"), "{out}");
    insta::assert_snapshot!("github_hostile", out);
}

#[test]
fn text_output_shows_control_characters_escaped() {
    let out = render_to_string(&hostile(), Format::Text, false);
    for c in out.chars() {
        assert!(
            c == '\n' || c == '\t' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "raw {c:?} in text output:\n{out}"
        );
    }
    // Each hostile part is still visible, escaped.
    for shown in [
        "\\u{1b}[2J",
        "\\u{9b}31m",
        "\\u{202e}",
        "\\u{1b}]0;pwned\\u{7}",
        "\\n::add-mask::x",
    ] {
        assert!(out.contains(shown), "{shown} missing from:\n{out}");
    }
    // In colour, the only escapes are ours: none of the input's survives raw.
    let styled = render_to_string(&hostile(), Format::Text, true);
    assert!(
        !styled.contains("\u{1b}[2J") && !styled.contains("\u{1b}]0;pwned"),
        "{styled:?}"
    );
    insta::assert_snapshot!("text_hostile", out);
}

#[test]
fn json_and_sarif_keep_hostile_text_as_escaped_strings() {
    for format in [Format::Json, Format::Sarif] {
        let out = render_to_string(&hostile(), format, false);
        let raw_controls = out
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .count();
        assert_eq!(raw_controls, 0, "{format:?} emits raw control characters");
        let v: Value = serde_json::from_str(&out).expect("parses");
        // The exact text survives the round trip.
        let message = match format {
            Format::Json => &v["diagnostics"][0]["message"],
            _ => &v["runs"][0]["results"][0]["message"]["text"],
        };
        let message = message.as_str().expect("message");
        assert!(
            message.contains("\u{9b}2J\u{202e}\u{7f}` 100%0A\n::add-mask::x\r\n"),
            "{format:?}: {message:?}"
        );
    }
}

#[test]
fn text_shows_a_span_over_several_lines() {
    let mut f = fixture();
    let tf = f.report.diagnostics[1].span.file;
    let start = MAIN_TF.find("resource \"aws_subnet\"").expect("subnet");
    let end = start + MAIN_TF[start..].find("}\n").expect("block end") + 2;
    let mut d = f.report.diagnostics[1].clone();
    d.span = Span::new(tf, start..end);
    d.proof.clear();
    d.fix = None;
    f.report.diagnostics = vec![d];
    let out = render_to_string(&f, Format::Text, false);
    insta::assert_snapshot!("text_multiline", out);
    // The block's final line break does not drag the end onto the next line.
    let json: Value =
        serde_json::from_str(&render_to_string(&f, Format::Json, false)).expect("JSON");
    assert_eq!(
        json["diagnostics"][0]["end"],
        serde_json::json!({"line": 14, "column": 2})
    );
    let github = render_to_string(&f, Format::Github, false);
    assert!(
        github.starts_with("::error file=infra/main.tf,line=11,endLine=14,title="),
        "{github}"
    );
}

/// JUnit XML and GitLab Code Quality keep hostile text as data: the XML parses (no control
/// character XML cannot hold), nothing raw reaches a log, and the JSON round-trips.
#[test]
fn junit_and_gitlab_hold_hostile_text_as_data() {
    let xml = render_to_string(&hostile(), Format::Junit, false);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit output is well-formed XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    let message = failure.attribute("message").unwrap();
    assert!(message.contains("evil\\u{1b}]0;pwned"), "{message}");
    assert!(!xml
        .chars()
        .any(|c| c == '\u{1b}' || c == '\u{202e}' || c == '\u{9b}'));

    let gitlab = render_to_string(&hostile(), Format::Gitlab, false);
    let issues: Value = serde_json::from_str(&gitlab).expect("GitLab output is JSON");
    let description = issues[0]["description"].as_str().unwrap();
    assert!(description.starts_with("LVL001: function `evil\\u{1b}]0;pwned"));
    assert!(!gitlab.contains('\u{1b}') && !gitlab.contains("\\u001b"));
}
