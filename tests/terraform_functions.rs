//! Terraform's built-in functions through the public pipeline: a root module written the way the
//! terraform-aws-modules use the functions, and the community modules' own examples in the
//! shared corpus, where no value may be lost because a built-in function is not evaluated.
//! (Each function's own cases are unit tests in `src/frontend/terraform/eval/functions/`.)

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lambda_vpc_lint::frontend::terraform;
use lambda_vpc_lint::model::dump::dump;
use lambda_vpc_lint::source::{SourceFile, SourceMap};

/// Every Terraform file under `dir`, `.terraform/modules` included, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable dir").flatten() {
            let p = e.path();
            let n = p.to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if n.ends_with(".tf") || n.ends_with(".tf.json") || n.ends_with("modules.json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The model dump of the root module `root`, with every Terraform file under `base` loaded.
fn dump_root(base: &Path, root: &Path) -> String {
    let mut sources = SourceMap::default();
    let mut dirs = terraform::Dirs::new();
    for p in walk(base) {
        let text = std::fs::read_to_string(&p).expect("read");
        let rel = p.strip_prefix(base).unwrap_or(&p).display().to_string();
        let id = sources.add(SourceFile::new(p.clone(), rel, text));
        dirs.entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(id);
    }
    let inputs = terraform::VarInputs {
        read_roots: std::fs::canonicalize(base).into_iter().collect(),
        ..Default::default()
    };
    let loaded = terraform::load_root(
        "t",
        root,
        &terraform::DirIndex::new(&dirs),
        &sources,
        &inputs,
    );
    dump(&loaded.model, &sources)
}

/// The way the vpc module derives a subnet's zone: a name (`eu-west-1a`) goes to
/// `availability_zone`, a zone id (`euw1-az2`) to `availability_zone_id`; CIDRs from
/// `cidrsubnets`, `cidrhost` and `format`, the count from set functions.
#[test]
fn vpc_module_style_functions() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "azs" {
  default = ["eu-west-1a", "euw1-az2"]
}
locals {
  cidrs = cidrsubnets("10.8.0.0/16", 8, 8, 4)
  zones = setunion(var.azs, [var.azs[0]])
}
resource "aws_vpc" "v" {
  cidr_block = format("%s/%d", cidrhost("10.8.0.0/16", 0), 16)
}
resource "aws_subnet" "private" {
  count                = length(local.zones)
  vpc_id               = aws_vpc.v.id
  cidr_block           = element(local.cidrs, count.index + 1)
  availability_zone    = length(regexall("^[a-z]{2}-", element(var.azs, count.index))) > 0 ? element(var.azs, count.index) : null
  availability_zone_id = length(regexall("^[a-z]{2}-", element(var.azs, count.index))) == 0 ? element(var.azs, count.index) : null
}
"#,
    )
    .expect("write");
    let d = dump_root(dir.path(), dir.path());
    assert!(d.contains("cidr: 10.8.0.0/16"), "{d}");
    assert!(d.contains("subnet aws_subnet.private[1]"), "{d}");
    assert!(!d.contains("subnet aws_subnet.private[2]"), "{d}");
    assert!(d.contains("cidr: 10.8.1.0/24"), "{d}");
    assert!(d.contains("cidr: 10.8.16.0/20"), "{d}");
    assert!(d.contains("az: eu-west-1a"), "{d}");
    // A zone id is not a zone name: the name stays unknown.
    assert!(!d.contains("az: euw1-az2"), "{d}");
    assert!(!d.contains("not evaluated"), "{d}");
    assert!(!d.contains("not a Terraform function"), "{d}");
}

/// The file functions read inside the linted paths: `filemd5` & co. hash the bytes,
/// `templatestring` renders a string it is given by reference.
#[test]
fn file_functions_and_templates() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("data.txt"), "hello world").expect("write");
    std::fs::write(dir.path().join("bin.dat"), [0xffu8, 0x00]).expect("write");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
locals {
  tpl = "10.$${n}.0.0/16"
  checks = [
    filemd5("${path.module}/data.txt") == md5("hello world"),
    filesha1("${path.module}/data.txt") == sha1("hello world"),
    filesha256("${path.module}/data.txt") == sha256("hello world"),
    filesha512("${path.module}/data.txt") == sha512("hello world"),
    filebase64sha256("${path.module}/data.txt") == base64sha256("hello world"),
    filebase64sha512("${path.module}/data.txt") == base64sha512("hello world"),
    filebase64("${path.module}/data.txt") == base64encode("hello world"),
    filebase64("${path.module}/bin.dat") == "/wA=",
  ]
}
resource "aws_vpc" "hashes" {
  cidr_block = alltrue(local.checks) ? "10.1.0.0/16" : "10.2.0.0/16"
}
resource "aws_vpc" "binary" {
  cidr_block = file("${path.module}/bin.dat")
}
resource "aws_vpc" "template" {
  cidr_block = templatestring(local.tpl, { n = 3 })
}
resource "aws_vpc" "literal" {
  cidr_block = templatestring("10.$${n}.0.0/16", { n = 3 })
}
"#,
    )
    .expect("write");
    let d = dump_root(dir.path(), dir.path());
    assert!(d.contains("cidr: 10.1.0.0/16"), "{d}");
    assert!(d.contains("cidr: 10.3.0.0/16"), "{d}");
    // Terraform's `file` needs UTF-8 text.
    assert!(
        d.contains("cidr: unknown(`file()`: `bin.dat` is not UTF-8 text"),
        "{d}"
    );
    // Terraform rejects a template that is not a reference.
    assert!(
        d.contains("cidr: unknown(`templatestring()`: the template must be a reference"),
        "{d}"
    );
}

/// The reasons of unknown values in a dump that blame a function, by reason.
fn function_unknowns(d: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in d.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("unknown(") {
            let r = &rest[at + "unknown(".len()..];
            let end = r.find(')').unwrap_or(r.len());
            let reason = &r[..end];
            if reason.contains("function") || reason.contains("()`") {
                *out.entry(reason.to_string()).or_default() += 1;
            }
            rest = &r[end..];
        }
    }
    out
}

/// The community modules' examples (vpc 5.x/6.x, lambda 7.x/8.x, security-group, kms, s3):
/// no value is unknown because a built-in function is missing.
#[test]
fn community_modules_use_no_unevaluated_function() {
    let root = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let base = root.join("initialized");
    let Ok(versions) = std::fs::read_dir(&base) else {
        common::missing_input("the shared corpus's initialized/ (set LVL_CORPUS)", &base);
        return;
    };
    let mut versions: Vec<PathBuf> = versions.flatten().map(|e| e.path()).collect();
    versions.retain(|p| p.is_dir());
    versions.sort();
    let mut examples = 0;
    for v in &versions {
        let mut roots: Vec<PathBuf> = std::fs::read_dir(v.join("examples"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        roots.sort();
        for r in roots {
            examples += 1;
            let d = dump_root(v, &r);
            let unknowns = function_unknowns(&d);
            println!("{}: {unknowns:?}", r.display());
            let missing: Vec<&String> = unknowns
                .keys()
                .filter(|k| {
                    k.contains("is not a Terraform function") || k.contains("is not evaluated")
                })
                .collect();
            assert!(missing.is_empty(), "{}: {missing:?}", r.display());
            // The vpc module's subnets get their zones through `regexall` and `element`.
            if r.ends_with("with-vpc") {
                assert!(d.contains("az: eu-west-1b"), "{}:\n{d}", r.display());
            }
        }
    }
    assert!(examples > 0, "no examples under {}", base.display());
}
