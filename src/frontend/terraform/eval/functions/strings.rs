//! String functions. Lengths and offsets count grapheme clusters, like Terraform. Case mapping
//! follows Go's one-character-to-one-character rules; a character Go and Rust map differently
//! (`ß`, `İ`, title-case digraphs) makes the result unknown rather than different.

use unicode_segmentation::UnicodeSegmentation;

use super::{check_count, check_len, fail, str_of, Args, Fail, Out};
use crate::frontend::terraform::eval::{Val, HOLE};
use crate::model::Reason;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "upper" => a.arity(1, 1).and_then(|_| case(&a.str(0)?, true)),
        "lower" => a.arity(1, 1).and_then(|_| case(&a.str(0)?, false)),
        "title" => a.arity(1, 1).and_then(|_| title(&a.str(0)?)),
        "trimspace" => a
            .arity(1, 1)
            .and_then(|_| Ok(Val::Str(a.str(0)?.trim().to_string()))),
        "trim" => a.arity(2, 2).and_then(|_| {
            let cut = a.str(1)?;
            Ok(Val::Str(
                a.str(0)?.trim_matches(|c| cut.contains(c)).to_string(),
            ))
        }),
        "trimprefix" => a.arity(2, 2).and_then(|_| {
            let (s, p) = (a.str(0)?, a.str(1)?);
            Ok(Val::Str(
                s.strip_prefix(p.as_str()).unwrap_or(&s).to_string(),
            ))
        }),
        "trimsuffix" => a.arity(2, 2).and_then(|_| {
            let (s, p) = (a.str(0)?, a.str(1)?);
            Ok(Val::Str(
                s.strip_suffix(p.as_str()).unwrap_or(&s).to_string(),
            ))
        }),
        "chomp" => a.arity(1, 1).and_then(|_| {
            Ok(Val::Str(
                a.str(0)?.trim_end_matches(['\r', '\n']).to_string(),
            ))
        }),
        "indent" => a.arity(2, 2).and_then(|_| indent(a)),
        "strrev" => a
            .arity(1, 1)
            .and_then(|_| Ok(Val::Str(a.str(0)?.graphemes(true).rev().collect()))),
        "substr" => a
            .arity(3, 3)
            .and_then(|_| substr(&a.str(0)?, a.int(1)?, a.int(2)?)),
        "startswith" | "endswith" => a.arity(2, 2).and_then(|_| affix(name, a)),
        "strcontains" => a
            .arity(2, 2)
            .and_then(|_| Ok(Val::Bool(a.str(0)?.contains(a.str(1)?.as_str())))),
        "split" => a.arity(2, 2).and_then(|_| split(a)),
        "join" => join(a),
        "replace" => a.arity(3, 3).and_then(|_| replace(a)),
        _ => return None,
    })
}

/// Terraform's `length` of a string.
pub fn graphemes(s: &str) -> usize {
    s.graphemes(true).count()
}

fn case(s: &str, upper: bool) -> Out {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mut m = String::new();
        if upper {
            m.extend(c.to_uppercase());
        } else {
            m.extend(c.to_lowercase());
        }
        if m.chars().count() != 1 {
            return fail(format!("`{c}` has no one-character case mapping"));
        }
        out.push_str(&m);
    }
    Ok(Val::Str(out))
}

/// Go's `strings.Title`: the first letter after a separator is upper-cased.
fn title(s: &str) -> Out {
    let separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        }
    };
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        if separator(prev) {
            let up: Vec<char> = c.to_uppercase().collect();
            // Title case differs from upper case for a few digraphs (ǆ → ǅ, not Ǆ).
            if up.len() != 1
                || ('\u{1C4}'..='\u{1CC}').contains(&c)
                || ('\u{1F1}'..='\u{1F3}').contains(&c)
            {
                return fail(format!("`{c}` has no one-character title case"));
            }
            out.push(up[0]);
        } else {
            out.push(c);
        }
        prev = c;
    }
    Ok(Val::Str(out))
}

fn indent(a: &Args) -> Out {
    let n = a.int(0)?;
    let s = a.str(1)?;
    if n < 0 {
        return fail("the number of spaces must not be negative");
    }
    let lines = s.matches('\n').count();
    check_len(s.len().saturating_add(lines.saturating_mul(n as usize)))?;
    let pad = format!("\n{}", " ".repeat(n as usize));
    Ok(Val::Str(s.replace('\n', &pad)))
}

/// go-cty's `substr`, quirks included (`length` 0 after a negative offset takes the rest).
fn substr(s: &str, offset: i64, length: i64) -> Out {
    // Byte offsets of grapheme boundaries, walked without collecting a long string's clusters.
    let boundary = |n: usize, from: &str| -> usize {
        from.grapheme_indices(true)
            .nth(n)
            .map_or(from.len(), |(at, _)| at)
    };
    let mut offset = offset;
    if offset < 0 {
        offset += graphemes(s) as i64;
    } else if length == 0 {
        return Ok(Val::Str(String::new()));
    }
    let mut sub = s;
    if offset > 0 {
        if offset as usize > graphemes(s) {
            return Ok(Val::Str(String::new()));
        }
        sub = &s[boundary(offset as usize, s)..];
    }
    if length <= 0 {
        // `length` 0 after a negative offset takes the rest, like -1.
        return Ok(Val::Str(sub.to_string()));
    }
    Ok(Val::Str(sub[..boundary(length as usize, sub)].to_string()))
}

/// `startswith` / `endswith`; a partially known string decides when its known end does.
fn affix(name: &str, a: &Args) -> Out {
    let want = a.str(1)?;
    let start = name == "startswith";
    let s = match a.val(0)? {
        Val::Partial { text, reason } => {
            let known = if start {
                text.split(HOLE).next().unwrap_or("")
            } else {
                text.rsplit(HOLE).next().unwrap_or("")
            };
            let decided = if start {
                known.starts_with(&want) || !want.starts_with(known)
            } else {
                known.ends_with(&want) || !want.ends_with(known)
            };
            if !decided {
                return Err(Fail::Unknown(reason.clone()));
            }
            known.to_string()
        }
        _ => a.str(0)?,
    };
    Ok(Val::Bool(if start {
        s.starts_with(&want)
    } else {
        s.ends_with(&want)
    }))
}

fn split(a: &Args) -> Out {
    let sep = a.str(0)?;
    let s = a.str(1)?;
    let parts: Vec<String> = if sep.is_empty() {
        s.chars().map(String::from).collect()
    } else {
        s.split(sep.as_str()).map(String::from).collect()
    };
    check_count(parts.len())?;
    Ok(a.str_list(parts))
}

/// `join`: an element known only after apply leaves a hole in a partial string (so that ARN
/// patterns survive); a null element is an error.
fn join(a: &Args) -> Out {
    a.arity(2, usize::MAX)?;
    let sep = a.str(0)?;
    let mut parts = Vec::new();
    let mut reason: Option<Reason> = None;
    let mut total = 0usize;
    for i in 1..a.len() {
        for it in a.list(i)? {
            let part = match &it.val {
                Val::Partial { text, reason: r } => {
                    reason.get_or_insert(r.clone());
                    text.clone()
                }
                // As before this library: an element known only later is a hole, so that the
                // known parts of an ARN or a name survive.
                Val::Ref(_) | Val::Unknown(_) => {
                    reason.get_or_insert_with(|| {
                        it.val.unknown_reason().unwrap_or(Reason::new("unknown"))
                    });
                    HOLE.to_string()
                }
                Val::Null => return fail("cannot join a null element"),
                v => str_of(v)?,
            };
            total = total.saturating_add(part.len() + sep.len());
            check_len(total)?;
            parts.push(part);
        }
    }
    let text = parts.join(&sep);
    Ok(match reason {
        Some(reason) => Val::Partial { text, reason },
        None => Val::Str(text),
    })
}

fn replace(a: &Args) -> Out {
    let s = a.str(0)?;
    let from = a.str(1)?;
    let to = a.str(2)?;
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        return super::regex::replace(&s, &from[1..from.len() - 1], &to);
    }
    let n = if from.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(from.as_str()).count()
    };
    check_len(s.len().saturating_add(n.saturating_mul(to.len())))?;
    Ok(Val::Str(s.replace(from.as_str(), &to)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn case() {
        check(r#"upper("abc-é")"#, r#""ABC-É""#);
        check(
            r#"upper("ß")"#,
            "unknown(*`ß` has no one-character case mapping)",
        );
        check(r#"upper(var.unset)"#, "unknown(*unset*)");
        check(r#"lower("ABC")"#, r#""abc""#);
        check(r#"lower(["A"])"#, "unknown(*not a string)");
        check(r#"lower(aws_vpc.x.id)"#, "unknown(*)");
        check(
            r#"title("hello world-foo_bar")"#,
            r#""Hello World-Foo_bar""#,
        );
        check(r#"title("ǆ")"#, "unknown(*title case)");
        check(r#"title(var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn trimming() {
        check(r#"trimspace("  a b\n")"#, r#""a b""#);
        check(r#"trimspace([])"#, "unknown(*not a string)");
        check(r#"trimspace(var.unset)"#, "unknown(*unset*)");
        check(r#"trim("?!hello?!", "!?")"#, r#""hello""#);
        check(
            r#"trim("a")"#,
            "unknown(`trim()`: takes 2 arguments, got 1)",
        );
        check(r#"trim(var.unset, "!")"#, "unknown(*unset*)");
        check(r#"trimprefix("helloworld", "hello")"#, r#""world""#);
        check(r#"trimprefix("hello", "x")"#, r#""hello""#);
        check(r#"trimprefix({}, "x")"#, "unknown(*not a string)");
        check(r#"trimprefix(local.partial, "arn:")"#, "unknown(*)");
        check(r#"trimsuffix("helloworld", "world")"#, r#""hello""#);
        check(r#"trimsuffix([], "x")"#, "unknown(*not a string)");
        check(r#"trimsuffix(var.unset, "x")"#, "unknown(*unset*)");
        check("chomp(\"a\\n\\r\\n\")", r#""a""#);
        check("chomp(\"a\\nb\")", r#""a\nb""#);
        check(r#"chomp([])"#, "unknown(*not a string)");
        check(r#"chomp(var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn pieces() {
        check("indent(2, \"a\\nb\")", r#""a\n  b""#);
        check("indent(-1, \"a\")", "unknown(*negative)");
        check(
            "indent(1000000000, \"a\\nb\")",
            "unknown(`indent()`: evaluation budget exceeded*)",
        );
        check("indent(var.unset, \"a\")", "unknown(*unset*)");
        check(r#"strrev("abc")"#, r#""cba""#);
        check(r#"strrev([])"#, "unknown(*not a string)");
        check(r#"strrev(var.unset)"#, "unknown(*unset*)");
        check(r#"substr("hello world", 1, 4)"#, r#""ello""#);
        check(r#"substr("hello", -3, -1)"#, r#""llo""#);
        check(r#"substr("hello", 1, 0)"#, r#""""#);
        check(r#"substr("hello", -1, 0)"#, r#""o""#);
        check(r#"substr("hello", 10, 1)"#, r#""""#);
        // Checked with `terraform console`.
        check(r#"substr("abc", 0, -1)"#, r#""abc""#);
        check(r#"substr("abc", 3, 1)"#, r#""""#);
        check(r#"substr("abc", -5, 2)"#, r#""ab""#);
        check(r#"substr("hello", 2, 100)"#, r#""llo""#);
        check(r#"substr("👍🏽x", 0, 1)"#, r#""👍🏽""#);
        check(r#"strrev("👍🏽x")"#, r#""x👍🏽""#);
        check(r#"length("👍🏽x")"#, "2");
        check(r#"substr("héllo", 1, 1)"#, r#""é""#);
        check(r#"substr("hello", 1.5, 1)"#, "unknown(*whole number)");
        check(r#"substr(var.unset, 1, 1)"#, "unknown(*unset*)");
        check(r#"split(",", "a,b,,c")"#, r#"["a", "b", "", "c"]"#);
        check(r#"split(",", "")"#, r#"[""]"#);
        check(r#"split("", "ab")"#, r#"["a", "b"]"#);
        check(r#"split(",", [])"#, "unknown(*not a string)");
        check(r#"split(",", var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn tests_on_strings() {
        check(r#"startswith("hello", "he")"#, "true");
        check(r#"startswith("hello", "lo")"#, "false");
        check(r#"startswith(local.partial, "arn:aws:")"#, "true");
        check(r#"startswith(local.partial, "arn:aws-cn:")"#, "false");
        check(
            r#"startswith(local.partial, "arn:aws:s3:::b")"#,
            "unknown(*)",
        );
        check(r#"startswith([], "x")"#, "unknown(*not a string)");
        check(r#"endswith("hello", "lo")"#, "true");
        check(r#"endswith(local.partial, "x")"#, "unknown(*)");
        check(r#"endswith(var.unset, "x")"#, "unknown(*unset*)");
        check(r#"strcontains("hello", "ell")"#, "true");
        check(r#"strcontains("hello", "x")"#, "false");
        check(r#"strcontains([], "x")"#, "unknown(*not a string)");
        check(r#"strcontains(var.unset, "x")"#, "unknown(*unset*)");
    }

    #[test]
    fn join_and_replace() {
        check(r#"join("-", ["a", 1], ["b"])"#, r#""a-1-b""#);
        check(r#"join("-", ["a", aws_vpc.x.id])"#, r#"partial("a-*")"#);
        check(r#"join("-", [var.unset, "b"])"#, r#"partial("*-b")"#);
        check(r#"join("-", ["a", null])"#, "unknown(*null element)");
        check(r#"join("-")"#, "unknown(*at least 2*)");
        check(r#"join("-", var.unset)"#, "unknown(*unset*)");
        check(r#"replace("a-b-c", "-", "_")"#, r#""a_b_c""#);
        check(r#"replace("abc", "", "-")"#, r#""-a-b-c-""#);
        check(r#"replace("hello", "/l+/", "L")"#, r#""heLo""#);
        check(r#"replace("hello", "/(h)(e)/", "$2$1")"#, r#""ehllo""#);
        check(r#"replace("a", "/(/", "x")"#, "unknown(`replace()`: *)");
        check(r#"replace(var.unset, "a", "b")"#, "unknown(*unset*)");
        check(
            r#"replace(join("", [for i in range(1000) : "aaaaaaaaaa"]), "a", join("", [for i in range(1000) : "bbbbbbbbbb"]))"#,
            "unknown(`replace()`: evaluation budget exceeded*)",
        );
    }
}
