//! Encoding functions: JSON (kept as structure so policies keep their spans), base64, URL, CSV
//! and text encodings, YAML. `base64gzip` depends on Go's compressor byte for byte, and
//! `yamlencode` on go-yaml's layout, so both are unknown.

use base64::Engine as _;

use super::{check_count, check_len, fail, pending, Args, Fail, Out};
use crate::frontend::terraform::eval::{fmt_num, Item, Val, HOLE};
use crate::model::Reason;
use crate::source::Span;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "base64encode" => a
            .arity(1, 1)
            .and_then(|_| Ok(Val::Str(b64().encode(a.str(0)?)))),
        "base64decode" => a.arity(1, 1).and_then(|_| {
            let bytes = decode64(&a.str(0)?)?;
            String::from_utf8(bytes)
                .map(Val::Str)
                .map_or_else(|_| fail("the result of decoding is not valid UTF-8"), Ok)
        }),
        "textencodebase64" => a.arity(2, 2).and_then(|_| {
            let bytes = encode_text(&a.str(0)?, &a.str(1)?)?;
            Ok(Val::Str(b64().encode(bytes)))
        }),
        "textdecodebase64" => a.arity(2, 2).and_then(|_| {
            let bytes = decode64(&a.str(0)?)?;
            decode_text(&bytes, &a.str(1)?).map(Val::Str)
        }),
        "urlencode" => a
            .arity(1, 1)
            .and_then(|_| Ok(Val::Str(urlencode(&a.str(0)?)))),
        "csvdecode" => a.arity(1, 1).and_then(|_| csvdecode(a)),
        "base64gzip" => fail("the compressed bytes depend on Go's gzip implementation"),
        "yamlencode" => fail("the text depends on go-yaml's layout and is not evaluated"),
        "yamldecode" => a.arity(1, 1).and_then(|_| yamldecode(a)),
        _ => return None,
    })
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Go's `StdEncoding`: padded; line breaks are ignored.
fn decode64(s: &str) -> Result<Vec<u8>, Fail> {
    let clean: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    b64()
        .decode(clean)
        .map_or_else(|_| fail("the string is not valid base64"), Ok)
}

/// The IANA names Terraform accepts that are easy to get exactly right here.
fn encode_text(s: &str, enc: &str) -> Result<Vec<u8>, Fail> {
    match enc.to_ascii_uppercase().as_str() {
        "UTF-8" | "UTF8" => Ok(s.as_bytes().to_vec()),
        "UTF-16LE" => Ok(s.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        "UTF-16BE" => Ok(s.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        "US-ASCII" | "ASCII" if s.is_ascii() => Ok(s.as_bytes().to_vec()),
        "ISO-8859-1" | "LATIN1" if s.chars().all(|c| (c as u32) < 256) => {
            Ok(s.chars().map(|c| c as u8).collect())
        }
        "US-ASCII" | "ASCII" | "ISO-8859-1" | "LATIN1" => fail(format!(
            "the string has characters that {enc} cannot encode"
        )),
        _ => fail(format!("the encoding `{enc}` is not evaluated")),
    }
}

fn decode_text(b: &[u8], enc: &str) -> Result<String, Fail> {
    let utf16 = |le: bool| -> Result<String, Fail> {
        if b.len() % 2 != 0 {
            return fail("odd number of bytes for UTF-16");
        }
        let units: Vec<u16> = b
            .chunks(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_or_else(|_| fail("invalid UTF-16"), Ok)
    };
    match enc.to_ascii_uppercase().as_str() {
        "UTF-8" | "UTF8" => {
            String::from_utf8(b.to_vec()).map_or_else(|_| fail("invalid UTF-8"), Ok)
        }
        "UTF-16LE" => utf16(true),
        "UTF-16BE" => utf16(false),
        "ISO-8859-1" | "LATIN1" => Ok(b.iter().map(|&c| c as char).collect()),
        _ => fail(format!("the encoding `{enc}` is not evaluated")),
    }
}

/// Go's `url.QueryEscape`: unreserved characters stay, space is `+`, the rest `%XX`.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// RFC 4180 like Go's `encoding/csv`: the first row names the columns, each other row becomes
/// a map; rows of another length, or a bare quote in an unquoted field, are errors.
fn csvdecode(a: &Args) -> Out {
    let text = a.str(0)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut field = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                    if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        return fail("extraneous or missing \" in quoted-field");
                    }
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => return fail("bare \" in non-quoted-field"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                check_count(rows.len())?;
                at_start = true;
                any = false;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return fail("extraneous or missing \" in quoted-field");
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    // Go skips empty lines.
    rows.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return fail("missing header line");
    };
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return fail(format!("duplicate column name `{h}`"));
        }
    }
    let mut out = Vec::new();
    for (i, r) in rows.enumerate() {
        if r.len() != header.len() {
            return fail(format!("record {} has the wrong number of fields", i + 2));
        }
        let m = header
            .iter()
            .cloned()
            .zip(r.into_iter().map(|v| a.item(Val::Str(v))))
            .collect();
        out.push(a.item(Val::Map(m)));
    }
    Ok(Val::List(out))
}

/// `yamldecode` with go-cty-yaml's YAML 1.1 scalars (`yes`/`on`/`~`, `1_000`, `0b101`), through
/// the project's YAML parser (one document, no anchors or aliases: those stay unknown). Plain
/// scalars that go-cty-yaml would turn into timestamps, infinities, or numbers `f64` cannot hold
/// exactly, explicit tags other than `!!str`, and duplicate keys are unknown.
fn yamldecode(a: &Args) -> Out {
    use crate::syntax::{yaml, Limits};
    let text = a.str(0)?;
    let limits = Limits {
        max_depth: 64,
        max_nodes: super::MAX_ELEMENTS,
    };
    // No document at all is an error; an explicit empty one (`---`) is null.
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return fail("missing start of document");
    }
    match yaml::parse(a.span.file, &text, &limits) {
        Ok(doc) => yaml_value(&doc.root, a),
        Err(e) => fail(format!("not valid YAML here: {}", e.message)),
    }
}

fn yaml_value(n: &crate::syntax::Node, a: &Args) -> Out {
    use crate::syntax::NodeKind;
    let str_tag = match &n.tag {
        None => false,
        Some((t, _)) if t == "!!str" || t == "tag:yaml.org,2002:str" => true,
        Some((t, _)) => return fail(format!("the YAML tag `{t}` is not evaluated")),
    };
    match &n.kind {
        NodeKind::Scalar { text, quoted } if *quoted || str_tag => Ok(Val::Str(text.clone())),
        NodeKind::Scalar { text, .. } => yaml_plain(text),
        NodeKind::Seq(items) => Ok(Val::List(
            items
                .iter()
                .map(|i| yaml_value(i, a).map(|v| a.item(v)))
                .collect::<Result<_, _>>()?,
        )),
        NodeKind::Map(entries) => {
            let mut out = std::collections::BTreeMap::new();
            for (k, v) in entries {
                // The key's quoting is not kept: a key that would not read as the same string
                // (`yes`, `null`, `1.0`) is unknown.
                match yaml_plain(&k.text)? {
                    Val::Str(_) => {}
                    other if other.as_str().as_deref() == Some(k.text.as_str()) => {}
                    _ => return fail(format!("the key `{}` may not be read as written", k.text)),
                }
                if out
                    .insert(k.text.clone(), a.item(yaml_value(v, a)?))
                    .is_some()
                {
                    return fail(format!("duplicate key `{}`", k.text));
                }
            }
            Ok(Val::Map(out))
        }
    }
}

/// go-cty-yaml's resolution of an untagged plain scalar.
fn yaml_plain(s: &str) -> Out {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Ok(Val::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Ok(Val::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Val::Null),
        _ => {}
    }
    let first = s.as_bytes()[0];
    let exact = |n: f64| {
        if n.abs() > 9.0e15 && n.fract() == 0.0 {
            fail("the number is too large to be represented exactly")
        } else {
            Ok(Val::Num(n))
        }
    };
    match first {
        b'.' => {
            if s.eq_ignore_ascii_case(".inf") || s.eq_ignore_ascii_case(".nan") {
                return fail(format!("`{s}` is not a finite number"));
            }
            match super::conversion::parse_number(s) {
                Some(n) => exact(n),
                None => Ok(Val::Str(s.to_string())),
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if s.ends_with(".inf") || s.ends_with(".Inf") || s.ends_with(".INF") {
                return fail(format!("`{s}` is not a finite number"));
            }
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 4 && s.as_bytes().get(4) == Some(&b'-') {
                return fail(format!("`{s}` may be read as a timestamp"));
            }
            if let Some(n) = super::conversion::parse_number(s) {
                return exact(n);
            }
            // Terraform reads `0x1F` and `0o17` as numbers but keeps `1_000` and `0b101` as
            // strings (checked with `terraform console`); other number-like words are unknown.
            let (neg, body) = match s.strip_prefix('-') {
                Some(b) => (true, b),
                None => (false, s.strip_prefix('+').unwrap_or(s)),
            };
            let radix = |p: &str, r: u32| {
                body.strip_prefix(p)
                    .filter(|d| !d.is_empty())
                    .and_then(|d| i64::from_str_radix(d, r).ok())
            };
            if let Some(v) = radix("0x", 16).or_else(|| radix("0o", 8)) {
                return exact(if neg { -(v as f64) } else { v as f64 });
            }
            if s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'+' | b'-' | b'.'))
            {
                return fail(format!("`{s}` may be read as a number"));
            }
            Ok(Val::Str(s.to_string()))
        }
        _ => Ok(Val::Str(s.to_string())),
    }
}

/// Terraform's `jsonencode` text of a fully known value: object keys sorted, no spaces, and
/// Go's escapes (`<`, `>`, `&`, U+2028, U+2029 as `\u` sequences).
pub fn json_text(v: &Val) -> Result<String, Fail> {
    let mut out = String::new();
    write_json(v, &mut out, 0)?;
    Ok(out)
}

fn write_json(v: &Val, out: &mut String, depth: u32) -> Result<(), Fail> {
    if depth > 64 {
        return fail("value nested too deeply");
    }
    check_len(out.len())?;
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(&fmt_num(*n)),
        Val::Str(s) => json_string(s, out),
        Val::Json(inner) => json_string(&json_text(inner)?, out),
        Val::List(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&it.val, out, depth + 1)?;
            }
            out.push(']');
        }
        Val::Map(m) => {
            out.push('{');
            for (i, (k, it)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                write_json(&it.val, out, depth + 1)?;
            }
            out.push('}');
        }
        Val::Partial { .. } | Val::Ref(_) | Val::Unknown(_) | Val::AwsZones { .. } => {
            return fail("part of the value is unknown")
        }
    }
    Ok(())
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses JSON text into a value whose every entry has `span` (the text has no finer spans).
/// Strings holding [`HOLE`]s (from interpolations) become partial strings.
pub fn from_json_text(text: &str, span: Span) -> Val {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => from_json(&j, span, 0),
        Err(e) => Val::unknown(format!("not valid JSON: {e}")),
    }
}

fn from_json(j: &serde_json::Value, span: Span, depth: u32) -> Val {
    if depth > 64 {
        return Val::unknown("JSON nested too deeply");
    }
    match j {
        serde_json::Value::Null => Val::Null,
        serde_json::Value::Bool(b) => Val::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_f64()
            .map(Val::Num)
            .unwrap_or_else(|| Val::unknown("number out of range")),
        serde_json::Value::String(s) if s.contains(HOLE) => Val::Partial {
            text: s.clone(),
            reason: Reason::new("part of the text is known only after apply or has no value"),
        },
        serde_json::Value::String(s) => Val::Str(s.clone()),
        serde_json::Value::Array(a) => Val::List(
            a.iter()
                .map(|x| Item {
                    val: from_json(x, span, depth + 1),
                    span,
                })
                .collect(),
        ),
        serde_json::Value::Object(o) => Val::Map(
            o.iter()
                .map(|(k, x)| {
                    let item = Item {
                        val: from_json(x, span, depth + 1),
                        span,
                    };
                    (k.clone(), item)
                })
                .collect(),
        ),
    }
}

/// `jsonencode`: the value itself, kept as structure (a string in Terraform).
pub fn jsonencode(args: Vec<Item>) -> Val {
    match args.into_iter().next() {
        Some(a) => Val::Json(Box::new(a.val)),
        None => Val::unknown("`jsonencode()` without argument"),
    }
}

pub fn jsondecode(args: Vec<Item>) -> Val {
    match args.into_iter().next().map(|a| (a.val, a.span)) {
        Some((Val::Json(v), _)) => *v,
        Some((Val::Str(s), sp)) => from_json_text(&s, sp),
        Some((other, _)) => Val::Unknown(crate::frontend::terraform::eval::reason_or(
            &other,
            "`jsondecode()` of a non-string".into(),
        )),
        None => Val::unknown("`jsondecode()` without argument"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn json() {
        check(
            r#"jsonencode({b = [1, "<x>"], a = null})"#,
            r#"json({a = null, b = [1, "<x>"]})"#,
        );
        check(r#"jsondecode("{\"a\": [1, true]}")"#, "{a = [1, true]}");
        check(r#"jsondecode(jsonencode({a = 1}))"#, "{a = 1}");
        check(r#"jsondecode("{")"#, "unknown(not valid JSON*)");
        check(r#"jsondecode(var.unset)"#, "unknown(*unset*)");
        // A string function sees the text Terraform would produce.
        check(
            r#"md5(jsonencode({b = [1, "<x>"], a = null}))"#,
            // md5 of {"a":null,"b":[1,"\u003cx\u003e"]}
            r#""1d8b000a09fe22612f45ed72791b46e7""#,
        );
        check(r#"length(jsonencode({a = "x"}))"#, "9");
        check(r#"length(jsonencode({a = aws_vpc.x.id}))"#, "unknown(*)");
    }

    #[test]
    fn base64() {
        check(r#"base64encode("Hello World")"#, r#""SGVsbG8gV29ybGQ=""#);
        check(r#"base64encode([])"#, "unknown(*not a string)");
        check(r#"base64encode(var.unset)"#, "unknown(*unset*)");
        check(r#"base64decode("SGVsbG8gV29ybGQ=")"#, r#""Hello World""#);
        check(
            r#"base64decode("SGVsbG8gV29ybGQ")"#,
            "unknown(*not valid base64)",
        );
        check(r#"base64decode("/w==")"#, "unknown(*not valid UTF-8)");
        check(r#"base64decode(var.unset)"#, "unknown(*unset*)");
        check(
            r#"textencodebase64("Hello World", "UTF-16LE")"#,
            r#""SABlAGwAbABvACAAVwBvAHIAbABkAA==""#,
        );
        check(
            r#"textencodebase64("é", "US-ASCII")"#,
            "unknown(*cannot encode)",
        );
        check(
            r#"textencodebase64("a", "cp1252")"#,
            "unknown(*not evaluated)",
        );
        check(
            r#"textencodebase64(var.unset, "UTF-8")"#,
            "unknown(*unset*)",
        );
        check(
            r#"textdecodebase64("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE")"#,
            r#""Hello World""#,
        );
        check(
            r#"textdecodebase64("SABl", "UTF-16LE")"#,
            "unknown(*odd number*)",
        );
        check(
            r#"textdecodebase64(var.unset, "UTF-8")"#,
            "unknown(*unset*)",
        );
        check(r#"base64gzip("x")"#, "unknown(*gzip*)");
        check(r#"yamlencode({})"#, "unknown(*go-yaml*)");
    }

    #[test]
    fn yaml() {
        check(
            "yamldecode(\"a: 1\\nb: [yes, 'no', ~, 0123, 1e3, 0x1F, 0o17, .5, 1 x, hello]\\n\")",
            r#"{a = 1, b = [true, "no", null, 123, 1000, 31, 15, 0.5, "1 x", "hello"]}"#,
        );
        check(
            "yamldecode(\"[1_000]\")",
            "unknown(*may be read as a number)",
        );
        check("yamldecode(\"---\\n\")", "null");
        check(
            "yamldecode(\"# c\\n\")",
            "unknown(*missing start of document)",
        );
        check("yamldecode(\"!!str 1\")", r#""1""#);
        check("yamldecode(\"1: a\\ntrue: b\")", r#"{1 = "a", true = "b"}"#);
        check("yamldecode(\"null: a\")", "unknown(*key `null`*)");
        check("yamldecode(\"yes: a\")", "unknown(*key `yes`*)");
        check("yamldecode(\"d: 2020-01-01\")", "unknown(*timestamp)");
        check(
            "yamldecode(\"a: &x 1\\nb: *x\")",
            "unknown(*not valid YAML here*)",
        );
        check("yamldecode(\"a: [\")", "unknown(*not valid YAML here*)");
        check("yamldecode(\"a: 1\\na: 2\")", "unknown(*duplicate key*)");
        check("yamldecode(\"!custom x\")", "unknown(*tag*)");
        check("yamldecode(var.unset)", "unknown(*unset*)");
    }

    #[test]
    fn url_and_csv() {
        check(
            r#"urlencode("Hello World?a=1&b=é")"#,
            r#""Hello+World%3Fa%3D1%26b%3D%C3%A9""#,
        );
        check(r#"urlencode([])"#, "unknown(*not a string)");
        check(r#"urlencode(var.unset)"#, "unknown(*unset*)");
        check(
            "csvdecode(\"a,b\\n1,\\\"x,\\\"\\\"y\\\"\\n\")",
            r#"[{a = "1", b = "x,\"y"}]"#,
        );
        check(
            "csvdecode(\"a,b\\n1\\n\")",
            "unknown(*wrong number of fields)",
        );
        check("csvdecode(\"a,b\\n1,x\\\"y\\n\")", "unknown(*bare \"*)");
        check("csvdecode(\"\")", "unknown(*missing header*)");
        check(
            "csvdecode(\"a,a\\n1,2\\n\")",
            "unknown(*duplicate column name*)",
        );
        check(
            "csvdecode(\"a,a\\n1,2\\n\")",
            "unknown(*duplicate column name*)",
        );
        check("csvdecode(var.unset)", "unknown(*unset*)");
    }
}
