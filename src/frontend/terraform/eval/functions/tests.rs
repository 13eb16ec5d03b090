//! Test helpers: evaluate one HCL expression in a small root module and render the result.
//! The module declares `var.unset` (no default: unknown), `var.azs`, `aws_vpc.x` (its `id` is
//! known only after apply) and `local.partial` (a string with an unknown piece).

use std::collections::HashMap;

use crate::frontend::terraform::eval::{Evaluator, Scope, Val, HOLE};
use crate::frontend::terraform::modules::Node;
use crate::frontend::terraform::parse::{Decls, ParsedFile};
use crate::source::FileId;

const MODULE: &str = r#"
variable "unset" {}
variable "azs" {
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}
resource "aws_vpc" "x" {
  cidr_block = "10.0.0.0/16"
}
locals {
  partial = "arn:aws:s3:::${aws_vpc.x.id}"
}
"#;

/// Evaluates `expr` and renders it: strings quoted, lists `[a, b]`, maps `{k = v}`, unknown as
/// `unknown(reason)`, a partial string as `partial("text")` with `*` for the unknown pieces.
pub fn eval(expr: &str) -> String {
    let file = FileId(0);
    let body = crate::syntax::hcl::parse_body(MODULE).expect("test module parses");
    let files = [ParsedFile { file, body }];
    let decls = [Decls::collect(&files)];
    let nodes = [Node {
        dir: 0,
        calls: HashMap::new(),
    }];
    let root_vars = HashMap::new();
    let empty = Decls::default();
    let ev = Evaluator::new(&decls, &nodes, &root_vars, &empty);
    let e = match crate::syntax::hcl::parse_expr(expr) {
        Ok(e) => e,
        Err(err) => panic!("test expression `{expr}` does not parse: {err}"),
    };
    show(&ev.eval(&e, &Scope::new(file)))
}

pub fn show(v: &Val) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Num(_) => v.as_str().unwrap_or_default(),
        Val::Str(s) => format!("{s:?}"),
        Val::Partial { text, .. } => format!("partial({:?})", text.replace(HOLE, "*")),
        Val::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| show(&i.val)).collect();
            format!("[{}]", parts.join(", "))
        }
        Val::Map(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, i)| format!("{k} = {}", show(&i.val)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Val::Ref(r) => format!(
            "ref({})",
            crate::frontend::terraform::eval::value::ref_text(r)
        ),
        Val::Json(inner) => format!("json({})", show(inner)),
        Val::Unknown(r) => format!("unknown({})", r.0),
        Val::AwsZones { list, index } => format!("zones({list}, {index:?})"),
    }
}

/// Asserts that `expr` evaluates to `want`; `*` in `want` matches any text (for reasons).
#[track_caller]
pub fn check(expr: &str, want: &str) {
    let got = eval(expr);
    assert!(glob(want, &got), "{expr}\n  got:  {got}\n  want: {want}");
}

fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

#[test]
fn the_helpers_see_unknowns() {
    check("var.unset", "unknown(variable `unset` has no default)");
    check("aws_vpc.x.id", "ref(aws_vpc.x.id)");
    check("local.partial", r#"partial("arn:aws:s3:::*")"#);
    check("nosuch(1)", "unknown(`nosuch` is not a Terraform function)");
    check("core::upper(\"a\")", r#""A""#);
    check(
        "provider::aws::arn_parse(\"a\")",
        "unknown(provider function *)",
    );
}

/// Every function given the extreme integers (and huge floats) in every integer position ends
/// with a value or an unknown, never a panic (an overflowing cast, an index, a repeat count).
#[test]
fn extreme_integers_never_panic() {
    const MIN: &str = "-9223372036854775808";
    const MAX: &str = "9223372036854775807";
    let exprs = [
        format!("range({MIN}, {MAX})"),
        format!("range({MAX})"),
        format!("range({MIN})"),
        format!("range({MAX}, {MIN}, {MIN})"),
        format!("range(0, {MAX}, 4611686018427387904)"),
        "range(1e308, -1e308, -1e300)".to_string(),
        "range(0, 1, 1e-300)".to_string(),
        format!("element([1, 2], {MIN})"),
        format!("element([1, 2], {MAX})"),
        format!("substr(\"abcdef\", {MIN}, {MAX})"),
        format!("substr(\"abcdef\", {MAX}, {MIN})"),
        format!("substr(\"abcdef\", -1, {MIN})"),
        format!("slice([1, 2, 3], {MAX}, {MAX})"),
        format!("slice([1, 2, 3], {MIN}, 1)"),
        format!("cidrsubnet(\"10.0.0.0/8\", {MAX}, 1)"),
        format!("cidrsubnet(\"10.0.0.0/8\", 8, {MIN})"),
        format!("cidrsubnet(\"fd00::/8\", 120, {MAX})"),
        format!("cidrsubnets(\"fd00::/8\", {MAX}, 1)"),
        format!("cidrhost(\"10.0.0.0/8\", {MIN})"),
        format!("cidrhost(\"fd00::/8\", {MAX})"),
        format!("cidrnetmask(\"10.0.0.0/{MAX}\")"),
        format!("chunklist([1, 2], {MAX})"),
        format!("chunklist([1, 2], {MIN})"),
        format!("pow(2, {MAX})"),
        format!("pow({MIN}, {MAX})"),
        format!("abs({MIN})"),
        format!("{MIN} % -1"),
        format!("{MIN} / -1"),
        format!("{MAX} * {MAX}"),
        "floor(1e308) % 0".to_string(),
        format!("format(\"%{MAX}d\", 1)"),
        format!("format(\"%.{MAX}f\", 1)"),
        format!("format(\"%[{MAX}]d\", 1)"),
        format!("formatlist(\"%-{MAX}s\", [\"a\"])"),
        format!("indent({MAX}, \"a\\nb\")"),
        format!("indent({MIN}, \"a\\nb\")"),
        "parseint(\"ffffffffffffffffffffffffffffffff\", 16)".to_string(),
        format!("parseint(\"1\", {MAX})"),
        format!("parseint(\"1\", {MIN})"),
        format!("signum({MIN})"),
        format!("log({MAX}, 0)"),
        "ceil(-1e308)".to_string(),
        format!("max({MIN}, {MAX}) * {MAX}"),
        format!("substr(\"abc\", 0, {MIN})"),
        format!("timeadd(\"2024-01-01T00:00:00Z\", \"{MAX}h\")"),
        format!("timeadd(\"2024-01-01T00:00:00Z\", \"-{MAX}h{MAX}m\")"),
        "formatdate(\"YYYY\", \"9999-12-31T23:59:59Z\")".to_string(),
        format!("tostring({MAX} + 1)"),
        format!("[1, 2][{MIN}]"),
        format!("[1, 2][{MAX}]"),
        format!("\"abc\"[{MAX}]"),
        format!("[for i in range(3): i][{MIN}]"),
        format!("keys(zipmap([\"a\"], [{MAX}]))"),
        format!("length(range({MAX}, {MAX} + 2048))"),
        format!("sum([{MAX}, {MAX}])"),
        format!("min({MIN}, -1e308)"),
        "tonumber(\"1e400\")".to_string(),
        "replace(\"a\", \"a\", \"b\")".to_string(),
        "trimprefix(\"a\", \"\")".to_string(),
    ];
    let mut panicked = Vec::new();
    for e in &exprs {
        if std::panic::catch_unwind(|| eval(e)).is_err() {
            panicked.push(e.clone());
        }
    }
    assert!(panicked.is_empty(), "panicked: {panicked:#?}");
}

/// Issue 18, class 7: wrong values where unknown was expected. Each expected value was checked
/// with `terraform console` (Terraform 1.11); an unknown is where `f64` cannot hold the number
/// Terraform computes (its numbers are arbitrary-precision).
#[test]
fn wide_numbers_are_exact_or_unknown() {
    // IPv6 subnet and host numbers beyond 2^64, in `u128`.
    check(
        r#"cidrsubnet("2001:db8::/32", 96, 18446744073709551616)"#,
        r#""2001:db8:0:1::/128""#,
    );
    check(
        r#"cidrhost("::/0", 18446744073709551616)"#,
        r#""0:0:0:1::""#,
    );
    check(
        r#"cidrhost("::/0", -1)"#,
        r#""ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff""#,
    );
    check(
        r#"cidrsubnet("fd00::/8", 120, 664613997892457936451903530140172288)"#,
        r#""fd80::/128""#,
    );
    // 2^128 - 1 is not exact in `f64` (Terraform gives ffff…/128): unknown, not clamped.
    check(
        r#"cidrsubnet("2001:db8::/32", 96, 340282366920938463463374607431768211455)"#,
        "unknown(*not exact in 64-bit floating point*)",
    );
    check(
        r#"cidrsubnet("2001:db8::/32", 96, 9007199254740993)"#,
        "unknown(*not exact*)",
    );
    // Integers `f64` would round, literal or computed, and overflow.
    check("9007199254740993", "unknown(*not exact*)");
    check("9007199254740992 + 1", "unknown(*not exact*)");
    check("9007199254740992 + 2", "9007199254740994");
    check("1e20", "100000000000000000000");
    check("1e23", "unknown(*not exact*)");
    check("1e308 * 10", "unknown(*not exact*)");
    check(r#"tonumber("9007199254740993")"#, "unknown(*)");
    check(r#"floor("9007199254740993")"#, "unknown(*not exact*)");
    check("pow(2, 1000)", "unknown(*)");
    check(
        r#"parseint("ffffffffffffffffffffffffffffffffff", 16)"#,
        "unknown(*)",
    );
    check(
        "signum(-9223372036854775808)",
        "unknown(*beyond the whole numbers*)",
    );
    // `range` over enormous spans is Terraform's error, decided before anything is built.
    check(
        "length(range(0, 1e20, 1))",
        "unknown(*more than 1024 values*)",
    );
    check("range(-1e20)", "unknown(*more than 1024 values*)");
    check(
        "range(9007199254740990, 9007199254740994)",
        "unknown(*beyond 2^53*)",
    );
    // Literals `f64` cannot hold are valid Terraform (hcl-edit alone rejects them): unknown,
    // never the stand-in zero, wherever they are written.
    check(
        "1e400",
        "unknown(the number `1e400` is beyond 64-bit floating point*)",
    );
    check("-1e400", "unknown(the number `1e400` is beyond*)");
    check("1e400 - 1e400", "unknown(*beyond 64-bit*)");
    check("[1, 1e400][1]", "unknown(*beyond 64-bit*)");
    check("[1, 1e400][0]", "1");
    check("\"n${1e400}\"", "partial(\"n*\")");
    check("length([1e400, 2])", "2");
    check(
        &"9".repeat(400),
        "unknown(the number `9999999999999999999999999999999999999999…` is beyond*)",
    );
    // Rounded to zero by `f64`, which hcl-edit accepts: still not a zero.
    check("1e-400", "unknown(*not exact*)");
    check("0e400", "0");
}
