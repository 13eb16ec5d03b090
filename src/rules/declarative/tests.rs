//! Load-time errors: every one names the file, line and column of the offending text.

use super::parse;

const HEAD: &str =
    "id: ORG001\nslug: x\ncategory: policy\nseverity: warning\ntitle: t\nwhy: w\nfix: f\n";

/// The error of a rule file whose `check` block is `check`; panics if it loads.
fn error(check: &str) -> (u32, u32, String) {
    let text = format!("{HEAD}{check}");
    let e = parse("r.yaml", &text).expect_err("must not load");
    (e.line, e.column, e.message)
}

#[test]
fn a_correct_file_loads() {
    let r = parse(
        "r.yaml",
        &format!("{HEAD}check:\n  for_each: function.subnets\n  where: subnet.usable_addresses < 32\n  report_at: function.vpc_config.subnet_ids\n  message: \"small {{{{subnet}}}}\"\n"),
    )
    .unwrap();
    assert_eq!(
        r.meta.may_emit.len(),
        1,
        "may_emit defaults to the severity"
    );
    assert_eq!(r.checks.len(), 1);
}

#[test]
fn misspelt_fields_are_found_where_they_are_written() {
    // Plain scalar.
    let (l, c, m) = error("check:\n  for_each: function.subnets\n  where: subnet.cidrr == \"10.0.0.0/8\"\n  report_at: subnet\n  message: m\n");
    assert_eq!((l, c), (10, 17), "{m}");
    assert!(m.starts_with("subnet has no field `cidrr`"), "{m}");
    // Double-quoted scalar.
    let (l, c, _) = error("check:\n  for_each: function\n  where: \"function.subnet == null\"\n  report_at: function\n  message: m\n");
    assert_eq!((l, c), (10, 20));
    // Block scalar, second line.
    let (l, c, _) = error("check:\n  for_each: function\n  where: >-\n    exists(function.role)\n    and function.rol == null\n  report_at: function\n  message: m\n");
    assert_eq!((l, c), (12, 18));
    // Inside a template.
    let (l, c, m) = error("check:\n  for_each: function\n  where: exists(function.role)\n  report_at: function\n  message: \"x {{function.nme}}\"\n");
    assert_eq!((l, c), (12, 26), "{m}");
    // In for_each and report_at.
    let (l, c, _) = error(
        "check:\n  for_each: function.subnet\n  where: true\n  report_at: function\n  message: m\n",
    );
    assert_eq!((l, c), (9, 22));
    let (l, c, _) = error("check:\n  for_each: function\n  where: true\n  report_at: function.vpc_config.subnets\n  message: m\n");
    assert_eq!((l, c), (11, 34));
}

#[test]
fn type_errors() {
    let cases = [
        (
            "function.subnets == 1",
            "cannot compare a list of subnet with a number",
        ),
        ("subnet.cidr == \"not a cidr\"", "is not an IPv4 CIDR block"),
        ("count(function.role) > 1", "is a role, not a list"),
        (
            "subnet.availability_zone",
            "expected a condition, found a string",
        ),
        (
            "subnet.availability_zone matches subnet.availability_zone",
            "takes a glob pattern",
        ),
        (
            "\"a\" in [1, 2]",
            "cannot compare a string with a list of number",
        ),
        (
            "any(subnet in function.subnets: true)",
            "`subnet` is already bound",
        ),
        (
            "vpc.is_default",
            "unknown name `vpc`; in scope: function, subnet",
        ),
        ("subnet.cidr within \"::/0\"", "is not an IPv4 CIDR block"),
        ("(((true)", "expected `)`"),
    ];
    for (expr, want) in cases {
        let check = format!("check:\n  for_each: function.subnets\n  where: '{expr}'\n  report_at: subnet\n  message: m\n");
        let (_, _, m) = error(&check);
        assert!(m.contains(want), "{expr}: {m}");
    }
}

#[test]
fn structure_errors() {
    let (_, _, m) =
        error("check:\n  for_each: route_table\n  where: true\n  report_at: x\n  message: m\n");
    assert!(
        m.contains("`for_each` starts at one of function, subnet"),
        "{m}"
    );
    let (_, _, m) = error("check:\n  for_each: function.services\n  where: true\n  report_at: function\n  message: m\n");
    assert!(m.contains("`for_each` follows entities"), "{m}");
    let (l, c, m) =
        error("check:\n  for_each: function\n  where: true\n  message: m\n  reprot_at: x\n");
    assert_eq!((l, c), (12, 3), "{m}");
    let (_, _, m) = error("check:\n  for_each: function\n  where: true\n  report_at: function\n");
    assert!(m.contains("missing `message`"), "{m}");
    let (_, _, m) = error("check:\n  for_each: function\n  where: true\n  report_at: function\n  message: \"a {{function\"\n");
    assert!(m.contains("without its `}}`"), "{m}");
    let (_, _, m) = error("");
    assert!(m.contains("needs a `check` block"), "{m}");
    let e = parse("r.yaml", &HEAD.replace("ORG001", "LVL001")).unwrap_err();
    assert!(e.message.contains("reserved"), "{}", e.message);
    let e = parse(
        "r.yaml",
        &HEAD.replace("severity: warning", "severity: fatal"),
    )
    .unwrap_err();
    assert_eq!((e.line, e.column), (4, 11), "{}", e.message);
}

#[test]
fn json_files_have_positions_too() {
    let text = r#"{"id": "ORG001", "slug": "x", "category": "policy", "severity": "note",
 "title": "t", "why": "w", "fix": "f",
 "check": {"for_each": "function", "where": "function.nope", "report_at": "function", "message": "m"}}"#;
    let e = parse("r.json", text).unwrap_err();
    assert_eq!((e.line, e.column), (3, 55), "{}", e.message);
}
