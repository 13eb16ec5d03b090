//! Structured inputs for the evaluator targets: the fuzzer's bytes choose, through
//! `arbitrary::Unstructured`, a syntax tree that is always well-formed, so every input reaches
//! evaluation instead of dying in the parser. Leaves lean on values known to break arithmetic
//! and sizes (2^53 ± 1, 2^64, 2^128, 1e308, negative zero, huge counts, long strings, CIDR
//! blocks of both families).

#![allow(dead_code)]

use arbitrary::{Result, Unstructured};

/// Numbers that sit on the edges of `f64`, `i64`, `u128` and Terraform's own limits.
pub const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "8",
    "16",
    "24",
    "32",
    "64",
    "96",
    "120",
    "127",
    "128",
    "129",
    "255",
    "1023",
    "1024",
    "1025",
    "65535",
    "100000",
    "1000000",
    "4294967295",
    "4294967296",
    "9007199254740991",
    "9007199254740992",
    "9007199254740993",
    "-9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211455",
    "340282366920938463463374607431768211456",
    "1e20",
    "1e23",
    "1e308",
    "-1e308",
    "1e400",
    "1.5",
    "0.1",
    "-0.0",
    "1e-400",
    "0.0009765625",
];

/// Strings: CIDR blocks, format verbs, separators, regular expressions, JSON and YAML text,
/// timestamps, and characters that are wide, combining or bidirectional.
pub const STRINGS: &[&str] = &[
    "",
    "x",
    ",",
    "-",
    "%s",
    "%d",
    "%v",
    "%#v",
    "%q",
    "%10000000s",
    "%[2]s",
    "%.99999f",
    "%%",
    "10.0.0.0/8",
    "10.0.0.0/16",
    "0.0.0.0/0",
    "::/0",
    "fd00::/8",
    "2001:db8::/32",
    "2001:db8::/64",
    "::ffff:10.0.0.0/104",
    "010.0.0.0/8",
    "10.0.0.1",
    "a,b,c",
    "a\nb\nc",
    "(a+)+$",
    "[a-z]+",
    "(?P<x>a)",
    "{\"a\":[1,2,{\"b\":null}]}",
    "[1e400]",
    "a: [1, 2]",
    "2020-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1h",
    "-99999999999h",
    "YYYY-MM-DD hh:mm",
    "subnet-0123456789abcdef0",
    "sg-1",
    "arn:aws:iam::123456789012:role/r",
    "é",
    "\u{202e}",
    "\u{2028}",
    "ß",
    "İ",
    "🦀",
    "${",
    "%{",
    "\\",
    "\"",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Terraform's built-in functions (`internal/lang/functions.go`), and a few that are not.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "base64gzip",
    "base64sha256",
    "base64sha512",
    "basename",
    "bcrypt",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "csvdecode",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "file",
    "filebase64",
    "fileexists",
    "fileset",
    "flatten",
    "floor",
    "format",
    "formatdate",
    "formatlist",
    "indent",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "matchkeys",
    "max",
    "md5",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pathexpand",
    "plantimestamp",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "rsadecrypt",
    "sensitive",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "sha1",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "templatefile",
    "templatestring",
    "textdecodebase64",
    "textencodebase64",
    "timeadd",
    "timecmp",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "urlencode",
    "uuid",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
    "issensitive",
    "ephemeralasnull",
    "provider::aws::arn_parse",
    "core::upper",
    "nosuchfunction",
];

/// An HCL string literal for `s` (escapes for quotes, backslashes, control characters and
/// template introducers).
pub fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' => out.push_str("$$"),
            '%' => out.push_str("%%"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string leaf: from the dictionary, or a few arbitrary characters.
pub fn string(u: &mut Unstructured) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok(u.choose(STRINGS)?.to_string())
    } else {
        let n = u.int_in_range(0..=16)?;
        let mut s = String::new();
        for _ in 0..n {
            s.push(u.arbitrary::<char>()?);
        }
        Ok(s)
    }
}

pub fn number(u: &mut Unstructured) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok(u.choose(NUMBERS)?.to_string())
    } else {
        Ok(u.arbitrary::<i64>()?.to_string())
    }
}

/// A Terraform expression of at most `depth` levels. Names in scope: `local.a` … `local.d`
/// (the other locals), `var.v` (a list with a default), `x` and `y` inside `for`.
pub fn expr(u: &mut Unstructured, depth: u32, in_for: bool) -> Result<String> {
    let leaf = depth == 0 || u.is_empty();
    let pick = if leaf {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=14)?
    };
    Ok(match pick {
        0 => number(u)?,
        1 => hcl_string(&string(u)?),
        2 => (*u.choose(&["true", "false", "null"])?).to_string(),
        3 => (*u.choose(&[
            "local.a", "local.b", "local.c", "local.d", "var.v", "var.v[0]",
        ])?)
        .to_string(),
        4 if in_for => (*u.choose(&["x", "y"])?).to_string(),
        4 => "aws_subnet.s.id".to_string(),
        5..=8 => {
            let name = u.choose(FUNCTIONS)?;
            let n = u.int_in_range(0..=4)?;
            let mut args = Vec::new();
            for _ in 0..n {
                args.push(expr(u, depth - 1, in_for)?);
            }
            let spread = if !args.is_empty() && u.ratio(1, 8)? {
                "..."
            } else {
                ""
            };
            format!("{name}({}{spread})", args.join(", "))
        }
        9 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(expr(u, depth - 1, in_for)?);
            }
            format!("[{}]", items.join(", "))
        }
        10 => {
            let n = u.int_in_range(0..=3)?;
            let mut items = Vec::new();
            for i in 0..n {
                items.push(format!("k{i} = {}", expr(u, depth - 1, in_for)?));
            }
            format!("{{ {} }}", items.join(", "))
        }
        11 => {
            let coll = expr(u, depth - 1, in_for)?;
            let val = expr(u, depth - 1, true)?;
            match u.int_in_range(0..=3)? {
                0 => format!("[for x in {coll} : {val}]"),
                1 => format!("[for x, y in {coll} : {val} if y != null]"),
                2 => format!("{{ for x, y in {coll} : tostring(x) => {val} }}"),
                _ => format!("{{ for x, y in {coll} : tostring(x) => {val}... }}"),
            }
        }
        12 => {
            let a = expr(u, depth - 1, in_for)?;
            let b = expr(u, depth - 1, in_for)?;
            let op = u.choose(&["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"])?;
            format!("({a} {op} {b})")
        }
        13 => {
            let a = expr(u, depth - 1, in_for)?;
            let b = expr(u, depth - 1, in_for)?;
            match u.int_in_range(0..=2)? {
                0 => format!("\"${{{a}}}-${{{b}}}\""),
                1 => format!("\"%{{for x in {a}}}${{x}}{}%{{endfor}}\"", "."),
                _ => format!("\"%{{if {a}}}${{{b}}}%{{else}}no%{{endif}}\""),
            }
        }
        _ => {
            let c = expr(u, depth - 1, in_for)?;
            let a = expr(u, depth - 1, in_for)?;
            let b = expr(u, depth - 1, in_for)?;
            match u.int_in_range(0..=2)? {
                0 => format!("({c} ? {a} : {b})"),
                1 => format!("{a}[{b}]"),
                _ => format!("{a}[*].id"),
            }
        }
    })
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// CloudFormation intrinsic functions and the names they may refer to in the generated
/// template (`Parameters` P, Q, L; `Mappings` M; `Conditions` C; resources Sg, Subnet).
pub fn intrinsic(u: &mut Unstructured, depth: u32) -> Result<String> {
    let leaf = depth == 0 || u.is_empty();
    let pick = if leaf {
        u.int_in_range(0..=2)?
    } else {
        u.int_in_range(0..=16)?
    };
    let d = depth.saturating_sub(1);
    let list = |u: &mut Unstructured, max: u32| -> Result<String> {
        let n = u.int_in_range(0..=max)?;
        let mut items = Vec::new();
        for _ in 0..n {
            items.push(intrinsic(u, d)?);
        }
        Ok(format!("[{}]", items.join(", ")))
    };
    Ok(match pick {
        0 => json_string(&string(u)?),
        1 => number(u)?,
        2 => format!(
            "{{\"Ref\": {}}}",
            json_string(u.choose(&[
                "P",
                "Q",
                "L",
                "Sg",
                "Subnet",
                "AWS::Region",
                "AWS::AccountId",
                "AWS::NoValue",
                "AWS::StackName",
                "AWS::Partition",
                "AWS::URLSuffix",
                "Nope"
            ])?)
        ),
        3 | 4 => {
            let mut template = String::new();
            for _ in 0..u.int_in_range(0..=6)? {
                template.push_str(u.choose(&[
                    "${P}",
                    "${Q}",
                    "${AWS::Region}",
                    "${Sg.GroupId}",
                    "${!Literal}",
                    "${",
                    "}",
                    "$",
                    "${X}",
                    "-",
                    "subnet-",
                    "${Subnet}",
                    "${L}",
                ])?);
            }
            if u.ratio(1, 2)? {
                format!("{{\"Fn::Sub\": {}}}", json_string(&template))
            } else {
                format!(
                    "{{\"Fn::Sub\": [{}, {{\"X\": {}}}]}}",
                    json_string(&template),
                    intrinsic(u, d)?
                )
            }
        }
        5 => format!(
            "{{\"Fn::Join\": [{}, {}]}}",
            json_string(&string(u)?),
            list(u, 4)?
        ),
        6 => format!(
            "{{\"Fn::Select\": [{}, {}]}}",
            intrinsic(u, d)?,
            list(u, 4)?
        ),
        7 => format!(
            "{{\"Fn::Split\": [{}, {}]}}",
            json_string(&string(u)?),
            intrinsic(u, d)?
        ),
        8 => format!("{{\"Fn::GetAZs\": {}}}", intrinsic(u, d)?),
        9 => format!(
            "{{\"Fn::If\": [{}, {}, {}]}}",
            json_string(u.choose(&["C", "Nope"])?),
            intrinsic(u, d)?,
            intrinsic(u, d)?
        ),
        10 => format!(
            "{{\"Fn::FindInMap\": [{}, {}, {}]}}",
            json_string(u.choose(&["M", "Nope"])?),
            intrinsic(u, d)?,
            intrinsic(u, d)?
        ),
        11 => format!("{{\"Fn::Base64\": {}}}", intrinsic(u, d)?),
        12 => format!(
            "{{\"Fn::Cidr\": [{}, {}, {}]}}",
            intrinsic(u, d)?,
            intrinsic(u, d)?,
            intrinsic(u, d)?
        ),
        13 => format!(
            "{{\"Fn::GetAtt\": [{}, {}]}}",
            json_string(u.choose(&["Sg", "Subnet", "Nope"])?),
            json_string(u.choose(&["GroupId", "VpcId", "AvailabilityZone", "X"])?)
        ),
        14 => format!("{{\"Fn::ImportValue\": {}}}", intrinsic(u, d)?),
        15 => format!(
            "{{{}: {}}}",
            json_string(u.choose(&[
                "Fn::Equals",
                "Fn::Not",
                "Fn::And",
                "Fn::Or",
                "Fn::Length",
                "Fn::ToJsonString",
                "Condition",
                "Fn::Transform",
                "Fn::ForEach::X",
                "Fn::GetStackOutput"
            ])?),
            list(u, 3)?
        ),
        _ => list(u, 4)?,
    })
}
