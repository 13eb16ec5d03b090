//! SAM CLI configuration files next to a template: the `parameter_overrides` that `sam deploy`
//! passes to CloudFormation are parameter values, like a `--parameters` file's.
//!
//! What SAM CLI does, and so what is read here:
//! - the file is `samconfig.toml` in the template's directory, else `samconfig.yaml`, else
//!   `samconfig.yml` (one file per directory; the others are not read);
//! - the environment is `default` unless `--sam-config-env NAME` (SAM's `--config-env`) names
//!   another;
//! - `[ENV.deploy.parameters]` wins over `[ENV.global.parameters]`: `parameter_overrides` is one
//!   option, so the whole value of the more specific table is taken, never merged key by key;
//! - the value is a string or a list of strings, each parsed as SAM CLI parses
//!   `--parameter-overrides`: `ParameterKey=K,ParameterValue=V` pairs, else `K=V` pairs separated
//!   by spaces, a value in double or single quotes with `\"`, `\'` and `\ ` unescaped.
//!
//! Values given with `--parameters` win over these (see [`super::ParameterSets`]).

use std::path::{Path, PathBuf};

use super::parameters::Given;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, Limits, Node, NodeKind};

/// The names SAM CLI looks for, in its order.
pub const FILE_NAMES: [&str; 3] = ["samconfig.toml", "samconfig.yaml", "samconfig.yml"];

/// The SAM CLI environment used when none is named.
pub const DEFAULT_ENV: &str = "default";

/// Whether `path` is named like a SAM CLI configuration file.
pub fn is_samconfig(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// Rank of a file name in SAM CLI's order (lower is read first).
fn rank(path: &Path) -> usize {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    FILE_NAMES
        .iter()
        .position(|n| *n == name)
        .unwrap_or(FILE_NAMES.len())
}

/// The overrides read from one directory's configuration file.
#[derive(Debug)]
pub struct SamConfig {
    /// The directory, absolute: the file applies to the templates in it.
    pub dir: PathBuf,
    pub values: Vec<(String, Given)>,
}

/// Picks one file per directory (SAM CLI's order) and reads its overrides for `env`; files that
/// do not parse are reported (LVL900 at the error) and give no values.
pub fn read_all(
    files: &[(PathBuf, FileId)],
    env: &str,
    sources: &SourceMap,
) -> (Vec<SamConfig>, Vec<Diagnostic>) {
    let mut chosen: Vec<(PathBuf, &PathBuf, FileId)> = Vec::new();
    for (path, file) in files {
        let dir = super::parameters::absolute(path.parent().unwrap_or(Path::new("")));
        match chosen.iter_mut().find(|(d, _, _)| *d == dir) {
            Some(entry) if rank(path) < rank(entry.1) => *entry = (dir, path, *file),
            Some(_) => {}
            None => chosen.push((dir, path, *file)),
        }
    }
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    let mut configs = Vec::new();
    let mut diagnostics = Vec::new();
    for (dir, path, file) in chosen {
        let source = sources.get(file);
        let result = if rank(path) == 0 {
            from_toml(file, &source.text, env)
        } else {
            from_yaml(file, &source.text, env)
        };
        match result {
            Ok(values) => configs.push(SamConfig { dir, values }),
            Err((message, span)) => diagnostics.push(Diagnostic::input(
                codes::PARSE_ERROR,
                span,
                &source.display,
                message,
            )),
        }
    }
    (configs, diagnostics)
}

type ParseError = (String, Span);

/// One written value of `parameter_overrides`: its text and where it is.
struct Written {
    text: String,
    span: Span,
    /// Where `text` starts in the file when it is written there unchanged (no escapes), so
    /// each value can point at itself; otherwise values point at the whole string.
    verbatim_at: Option<usize>,
}

impl Written {
    fn new(text: String, span: Span, source: &str) -> Self {
        let (start, end) = (span.start as usize, span.end as usize);
        let raw = source.get(start..end).unwrap_or_default();
        let verbatim_at = if raw == text {
            Some(start)
        } else {
            // A quoted string without escapes: the text sits between the quotes.
            let inner = raw
                .strip_prefix(['"', '\''])
                .and_then(|r| r.strip_suffix(['"', '\'']));
            (inner == Some(text.as_str())).then_some(start + 1)
        };
        Written {
            text,
            span,
            verbatim_at,
        }
    }

    fn values(&self) -> Vec<(String, Given)> {
        parse_overrides(&self.text)
            .into_iter()
            .map(|(key, value, range)| {
                let span = match self.verbatim_at {
                    Some(at) => Span::new(self.span.file, at + range.start..at + range.end),
                    None => self.span,
                };
                (
                    key,
                    Given {
                        value: Some(value),
                        span,
                    },
                )
            })
            .collect()
    }
}

fn from_toml(file: FileId, text: &str, env: &str) -> Result<Vec<(String, Given)>, ParseError> {
    use toml::de::{DeTable, DeValue};
    let whole = Span::new(file, 0..0);
    let doc = DeTable::parse(text).map_err(|e| {
        let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
        let span = e.span().map_or(whole, |r| Span::new(file, r));
        (format!("SAM configuration: {message}"), span)
    })?;
    fn table<'a, 'i>(value: &'a toml::Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        }
    }
    fn child<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
        t.iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
    let Some(env_table) = child(doc.get_ref(), env).and_then(table) else {
        return Ok(Vec::new());
    };
    for command in ["deploy", "global"] {
        let overrides = child(env_table, command)
            .and_then(table)
            .and_then(|c| child(c, "parameters"))
            .and_then(table)
            .and_then(|p| child(p, "parameter_overrides"));
        let Some(overrides) = overrides else { continue };
        let span = Span::new(file, overrides.span());
        let written = match overrides.get_ref() {
            DeValue::String(s) => vec![Written::new(s.to_string(), span, text)],
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    let item_span = Span::new(file, item.span());
                    let DeValue::String(s) = item.get_ref() else {
                        return Err(not_a_string(item_span));
                    };
                    out.push(Written::new(s.to_string(), item_span, text));
                }
                out
            }
            _ => return Err(not_a_string(span)),
        };
        return Ok(written.iter().flat_map(Written::values).collect());
    }
    Ok(Vec::new())
}

fn from_yaml(file: FileId, text: &str, env: &str) -> Result<Vec<(String, Given)>, ParseError> {
    let doc = syntax::yaml::parse(file, text, &Limits::default())
        .map_err(|e| (format!("SAM configuration: {}", e.message), e.span))?;
    let Some(env_node) = doc.root.get(env) else {
        return Ok(Vec::new());
    };
    for command in ["deploy", "global"] {
        let overrides = env_node
            .get(command)
            .and_then(|c| c.get("parameters"))
            .and_then(|p| p.get("parameter_overrides"));
        let Some(overrides) = overrides else { continue };
        let scalar = |n: &Node| match &n.kind {
            NodeKind::Scalar { text: s, .. } => Ok(Written::new(s.clone(), n.span, text)),
            _ => Err(not_a_string(n.span)),
        };
        let written = match &overrides.kind {
            NodeKind::Seq(items) => items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?,
            _ => vec![scalar(overrides)?],
        };
        return Ok(written.iter().flat_map(Written::values).collect());
    }
    Ok(Vec::new())
}

fn not_a_string(span: Span) -> ParseError {
    (
        "SAM configuration: `parameter_overrides` must be a string or a list of strings".into(),
        span,
    )
}

/// Parses one `--parameter-overrides` value as SAM CLI does: (key, value, range of the value as
/// written in `text`). Pairs that do not match are skipped, as SAM CLI's pattern skips them.
pub(crate) fn parse_overrides(text: &str) -> Vec<(String, String, std::ops::Range<usize>)> {
    // SAM matches `ParameterKey=K,ParameterValue=V` first, and only if there is none, `K=V`.
    let long = scan(text, true);
    if !long.is_empty() {
        return long;
    }
    scan(text, false)
}

/// SAM CLI's `findall` of ` KEY=VALUE` (or ` ParameterKey=KEY,ParameterValue=VALUE`) over the
/// text with one space put in front: a key is `[A-Za-z0-9"']+`; a value is a double- or
/// single-quoted string (backslash escapes any character) or a run of characters other than
/// space, `"` and `\` (or backslash pairs).
fn scan(text: &str, long: bool) -> Vec<(String, String, std::ops::Range<usize>)> {
    let trimmed_start = text.len() - text.trim_start().len();
    let body = text.trim();
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    // Position `i` is "just after a space" in SAM's normalised text (" " + stripped text).
    let mut i = 0usize;
    let mut after_space = true;
    while i <= bytes.len() {
        // The long form has no leading space in SAM's pattern: it matches anywhere.
        if after_space || long {
            if let Some((key, value, range, end)) = pair_at(body, i, long) {
                let range = trimmed_start + range.start..trimmed_start + range.end;
                out.push((unquote(&key), unquote(&value), range));
                i = end;
                after_space = false;
                continue;
            }
        }
        if i == bytes.len() {
            break;
        }
        after_space = bytes[i] == b' ';
        i += 1;
    }
    out
}

/// A pair starting at byte `i` of `s`: (key, value, value range, end).
fn pair_at(
    s: &str,
    i: usize,
    long: bool,
) -> Option<(String, String, std::ops::Range<usize>, usize)> {
    let bytes = s.as_bytes();
    let mut j = i;
    if long {
        j = j.checked_add("ParameterKey=".len())?;
        if s.get(i..j)? != "ParameterKey=" {
            return None;
        }
    }
    let key_start = j;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'"' | b'\''))
    {
        j += 1;
    }
    if j == key_start {
        return None;
    }
    let key = s[key_start..j].to_string();
    let sep = if long { ",ParameterValue=" } else { "=" };
    if s.get(j..j + sep.len())? != sep {
        return None;
    }
    j += sep.len();
    let value_end = value_at(bytes, j)?;
    Some((key, s[j..value_end].to_string(), j..value_end, value_end))
}

/// The end of the value starting at `j`, by SAM's alternatives in order.
fn value_at(bytes: &[u8], j: usize) -> Option<usize> {
    for quote in [b'"', b'\''] {
        if bytes.get(j) == Some(&quote) {
            let mut k = j + 1;
            while k < bytes.len() {
                match bytes[k] {
                    b'\\' if k + 1 < bytes.len() => k += 2,
                    b if b == quote => return Some(k + 1),
                    _ => k += 1,
                }
            }
            // Unclosed: SAM's third alternative cannot start with a quote either. (Linear: a
            // search that reaches the end leaves no unescaped quote after it, so no later value
            // opens this quote; one that closes moves the scan past the value.)
            if quote == b'"' {
                return None;
            }
        }
    }
    let mut k = j;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' if k + 1 < bytes.len() => k += 2,
            b' ' | b'"' | b'\\' => break,
            _ => k += 1,
        }
    }
    (k > j).then_some(k)
}

/// SAM CLI's `_unquote_wrapped_quotes`: strips one pair of wrapping quotes, then unescapes.
fn unquote(value: &str) -> String {
    let b = value.as_bytes();
    let inner = if b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'') {
        &value[1..value.len() - 1]
    } else {
        value
    };
    inner
        .replace("\\ ", " ")
        .replace("\\\"", "\"")
        .replace("\\'", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_overrides(text)
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect()
    }

    fn kv(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn space_separated_pairs_with_quotes() {
        assert_eq!(
            pairs(r#"SubnetIds="subnet-a,subnet-b" SecurityGroupIds=sg-1 Name='a b'"#),
            kv(&[
                ("SubnetIds", "subnet-a,subnet-b"),
                ("SecurityGroupIds", "sg-1"),
                ("Name", "a b"),
            ])
        );
    }

    #[test]
    fn long_form_wins_when_present() {
        assert_eq!(
            pairs("ParameterKey=Env,ParameterValue=prod ParameterKey=Size,ParameterValue=2"),
            kv(&[("Env", "prod"), ("Size", "2")])
        );
    }

    #[test]
    fn escapes_and_equals_in_values() {
        assert_eq!(
            pairs(r#"Url=https://x/?a=b Msg="say \"hi\"" Path=a\ b"#),
            kv(&[
                ("Url", "https://x/?a=b"),
                ("Msg", "say \"hi\""),
                ("Path", "a b")
            ])
        );
    }

    #[test]
    fn value_ranges_point_at_the_written_value() {
        let text = r#"  A="x y" B=z"#;
        let got = parse_overrides(text);
        assert_eq!(&text[got[0].2.clone()], r#""x y""#);
        assert_eq!(&text[got[1].2.clone()], "z");
    }

    #[test]
    fn many_quotes_stay_linear() {
        let text = " A=\"x".repeat(200_000);
        let start = std::time::Instant::now();
        assert_eq!(pairs(&text).len(), 100_000);
        let text = " A='x".repeat(200_000);
        assert_eq!(pairs(&text).len(), 100_000);
        let text = format!("{} A=\"x", " A=y".repeat(200_000));
        assert_eq!(pairs(&text).len(), 200_000);
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(pairs("just words").is_empty());
        assert!(pairs("").is_empty());
        assert!(pairs(r#"A="unclosed"#).is_empty());
        assert!(pairs("=novalue K=").is_empty());
    }
}
