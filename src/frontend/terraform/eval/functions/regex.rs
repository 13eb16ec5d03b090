//! `regex`, `regexall` and `replace` with a `/pattern/`: RE2 syntax through the `regex` crate.
//! The two differ where Rust's classes (`\d`, `\w`, `\s`, `\b`) are Unicode-aware and Go's are
//! ASCII-only: on text that is not ASCII, such a pattern is unknown rather than different.

use regex::Regex;

use super::{check_count, check_len, fail, Args, Out};
use crate::frontend::terraform::eval::Val;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "regex" => a.arity(2, 2).and_then(|_| regex(a, false)),
        "regexall" => a.arity(2, 2).and_then(|_| regex(a, true)),
        _ => return None,
    })
}

/// Compiled patterns are small; this bounds what a hostile pattern may cost.
const MAX_PATTERN_BYTES: usize = 1 << 20;

fn compile(pattern: &str, text: &str) -> Result<Regex, super::Fail> {
    if !text.is_ascii() && ascii_classes(pattern) {
        return fail("Go's ASCII-only character classes may differ on non-ASCII text");
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(MAX_PATTERN_BYTES)
        .build()
        .map_or_else(|e| fail(format!("invalid regular expression: {e}")), Ok)
}

/// `\d \w \s \b` and their negations, or a POSIX class, whose meaning on non-ASCII text
/// differs between RE2 and Rust.
fn ascii_classes(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && matches!(
                chars.next(),
                Some('d' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B')
            )
        {
            return true;
        }
    }
    pattern.contains("[[:") || pattern.contains("(?i")
}

/// Named groups give a map, unnamed ones a list, none the matched text; mixing is an error.
fn regex(a: &Args, all: bool) -> Out {
    let pattern = a.str(0)?;
    let text = a.str(1)?;
    let re = compile(&pattern, &text)?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() {
        return fail("invalid regexp pattern: cannot mix both named and unnamed capture groups");
    }
    let one = |caps: regex::Captures<'_>| -> Val {
        if names.is_empty() {
            return Val::Str(caps.get(0).map_or("", |m| m.as_str()).to_string());
        }
        let group = |i: usize| match caps.get(i + 1) {
            Some(m) => Val::Str(m.as_str().to_string()),
            None => Val::Null,
        };
        if named > 0 {
            Val::Map(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.unwrap_or_default().to_string(), a.item(group(i))))
                    .collect(),
            )
        } else {
            Val::List((0..names.len()).map(|i| a.item(group(i))).collect())
        }
    };
    if all {
        let mut out = Vec::new();
        for caps in re.captures_iter(&text) {
            out.push(a.item(one(caps)));
            check_count(out.len())?;
        }
        Ok(Val::List(out))
    } else {
        match re.captures(&text) {
            Some(caps) => Ok(one(caps)),
            None => fail("pattern did not match any part of the given string"),
        }
    }
}

/// `replace(s, "/re/", to)`: `$1` and `${name}` in `to` refer to groups, as in Go.
pub fn replace(s: &str, pattern: &str, to: &str) -> Out {
    let re = compile(pattern, s)?;
    let n = re.find_iter(s).count();
    check_len(
        s.len()
            .saturating_add(n.saturating_mul(to.len().max(1) * 4)),
    )?;
    Ok(Val::Str(re.replace_all(s, to).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn regex() {
        check(
            r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#,
            r#""aaabbbccc""#,
        );
        check(
            r#"regex("(\\d\\d\\d\\d)-(\\d\\d)", "2019-02-01")"#,
            r#"["2019", "02"]"#,
        );
        check(
            r#"regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")"#,
            r#"{authority = "terraform.io", scheme = "https"}"#,
        );
        check(r#"regex("(a)|(b)", "b")"#, r#"[null, "b"]"#);
        check(
            r#"regex("[a-z]+", "123")"#,
            "unknown(`regex()`: pattern did not match*)",
        );
        check(r#"regex("(?P<a>x)(y)", "xy")"#, "unknown(*cannot mix*)");
        check(
            r#"regex("(", "x")"#,
            "unknown(`regex()`: invalid regular expression*)",
        );
        check(r#"regex("\\d", "٣")"#, "unknown(*ASCII-only*)");
        check(r#"regex("[a-z]+", var.unset)"#, "unknown(*unset*)");
        check(r#"regex("[a-z]+", local.partial)"#, "unknown(*)");
    }

    #[test]
    fn regexall() {
        check(
            r#"regexall("[a-z]+", "1234abcd5678efgh9")"#,
            r#"["abcd", "efgh"]"#,
        );
        check(r#"length(regexall("[a-z]+", "1234abcd5678efgh9"))"#, "2");
        check(
            r#"regexall("(\\w)=(\\d)", "a=1 b=2")"#,
            r#"[["a", "1"], ["b", "2"]]"#,
        );
        check(r#"regexall("x", "abc")"#, "[]");
        check(
            r#"regexall("[", "abc")"#,
            "unknown(*invalid regular expression*)",
        );
        check(r#"regexall("x", aws_vpc.x.id)"#, "unknown(*)");
        // The vpc module: an availability zone name, not a zone id, starts with a region prefix.
        check(
            r#"length(regexall("^[a-z]{2}-", element(var.azs, 1))) > 0"#,
            "true",
        );
        check(r#"length(regexall("^[a-z]{2}-", "euw1-az1")) > 0"#, "false");
    }
}
