//! Terraform's built-in functions that matter for network and IAM configuration. An unknown
//! argument makes the result unknown; a function not listed here is unknown by name.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hcl_edit::expr::FuncCall;

use super::{reason_or, Evaluator, Item, Scope, Val, HOLE};
use crate::model::Reason;
use crate::source::Span;

impl Evaluator<'_> {
    pub(super) fn call(&self, f: &FuncCall, scope: &Scope) -> Val {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() {
            return Val::unknown(format!("provider function `{name}` is not evaluated"));
        }
        let span = self.span(scope, f);
        let mut args: Vec<Item> = f
            .args
            .iter()
            .map(|a| Item {
                val: self.eval(a, scope),
                span: self.span(scope, a),
            })
            .collect();
        if f.args.expand_final() {
            match args.pop().map(|a| a.val) {
                Some(Val::List(items)) => args.extend(items),
                Some(other) => {
                    return Val::Unknown(reason_or(&other, "`...` on a non-list".into()))
                }
                None => {}
            }
        }
        // `try` and `can` look at the unknown-ness themselves.
        match name {
            "try" => {
                return args
                    .into_iter()
                    .map(|a| a.val)
                    .find(|v| !matches!(v, Val::Unknown(_)))
                    .unwrap_or_else(|| Val::unknown("no argument of `try` can be evaluated"))
            }
            "can" => {
                return match args.first().map(|a| &a.val) {
                    Some(Val::Unknown(r)) => Val::Unknown(r.clone()),
                    Some(_) => Val::Bool(true),
                    None => Val::unknown("`can` without argument"),
                }
            }
            "coalesce" => {
                for a in args {
                    match a.val {
                        Val::Null => continue,
                        Val::Str(s) if s.is_empty() => continue,
                        v => return v,
                    }
                }
                return Val::unknown("no argument of `coalesce` is set");
            }
            "jsonencode" => {
                return match args.into_iter().next() {
                    Some(a) => Val::Json(Box::new(a.val)),
                    None => Val::unknown("`jsonencode` without argument"),
                }
            }
            "jsondecode" => {
                return match args.into_iter().next().map(|a| (a.val, a.span)) {
                    Some((Val::Json(v), _)) => *v,
                    Some((Val::Str(s), sp)) => from_json_text(&s, sp),
                    Some((other, _)) => {
                        Val::Unknown(reason_or(&other, "`jsondecode` of a non-string".into()))
                    }
                    None => Val::unknown("`jsondecode` without argument"),
                }
            }
            "file" | "fileexists" | "templatefile" => return self.file_function(name, args, scope),
            "filebase64" | "fileset" | "filemd5" | "filesha256" => {
                return Val::unknown(format!("`{name}()` is not evaluated"))
            }
            _ => {}
        }
        // Every other function needs its arguments known (lists may hold unknown items).
        if let Some(r) = args.iter().find_map(|a| match &a.val {
            Val::Unknown(r) => Some(r.clone()),
            _ => None,
        }) {
            return Val::Unknown(r);
        }
        if let Some(v) = super::zones::call(name, &args, span) {
            return v;
        }
        let fallback = args.iter().find_map(|a| a.val.unknown_reason());
        builtin(name, args, span).unwrap_or_else(|| match fallback {
            Some(r) => Val::Unknown(r),
            None => Val::unknown(format!("function `{name}` is not evaluated")),
        })
    }
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

fn list(v: &Val) -> Option<&Vec<Item>> {
    match v {
        Val::List(l) => Some(l),
        _ => None,
    }
}

fn string(v: &Val) -> Option<String> {
    v.as_str()
}

fn int(v: &Val) -> Option<i64> {
    match v {
        Val::Num(n) if n.fract() == 0.0 => Some(*n as i64),
        Val::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Pure functions over known arguments. `None`: not supported or wrong argument types.
fn builtin(name: &str, args: Vec<Item>, span: Span) -> Option<Val> {
    let arg = |i: usize| args.get(i).map(|a| &a.val);
    let v = match name {
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(list(&a.val)?.iter().cloned());
            }
            Val::List(out)
        }
        "flatten" => {
            let mut out = Vec::new();
            let mut stack: Vec<Item> = list(arg(0)?)?.iter().rev().cloned().collect();
            while let Some(it) = stack.pop() {
                match it.val {
                    Val::List(inner) => stack.extend(inner.into_iter().rev()),
                    Val::Unknown(r) => return Some(Val::Unknown(r)),
                    _ => out.push(it),
                }
            }
            Val::List(out)
        }
        "element" => {
            let l = list(arg(0)?)?;
            let i = int(arg(1)?)?;
            if l.is_empty() || i < 0 {
                return Some(Val::unknown("`element` out of range"));
            }
            l.get((i as usize) % l.len())?.val.clone()
        }
        "length" => match arg(0)? {
            Val::List(l) => Val::Num(l.len() as f64),
            Val::Map(m) => Val::Num(m.len() as f64),
            Val::Str(s) => Val::Num(s.chars().count() as f64),
            other => {
                return Some(Val::Unknown(reason_or(
                    other,
                    "`length` of an unknown value".into(),
                )))
            }
        },
        "format" => format(&args)?,
        "join" => {
            let sep = string(arg(0)?)?;
            let mut parts = Vec::new();
            for a in args.iter().skip(1) {
                for it in list(&a.val)? {
                    match &it.val {
                        Val::Partial { text, .. } => parts.push(text.clone()),
                        v => match v.as_str() {
                            Some(s) => parts.push(s),
                            None => parts.push(HOLE.to_string()),
                        },
                    }
                }
            }
            let text = parts.join(&sep);
            if text.contains(HOLE) {
                Val::Partial {
                    text,
                    reason: Reason::new("an element of `join` is unknown"),
                }
            } else {
                Val::Str(text)
            }
        }
        "split" => {
            let sep = string(arg(0)?)?;
            let s = string(arg(1)?)?;
            Val::List(
                s.split(sep.as_str())
                    .map(|p| Item {
                        val: Val::Str(p.to_string()),
                        span,
                    })
                    .collect(),
            )
        }
        "lookup" => match arg(0)? {
            Val::Map(m) => match m.get(&string(arg(1)?)?) {
                Some(it) => it.val.clone(),
                None => arg(2)?.clone(),
            },
            _ => return None,
        },
        "merge" => {
            let mut out = BTreeMap::new();
            for a in &args {
                match &a.val {
                    Val::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Val::Null => {}
                    _ => return None,
                }
            }
            Val::Map(out)
        }
        "tolist" | "toset" => match arg(0)? {
            Val::List(l) if name == "toset" => Val::List(dedup(l.clone())),
            Val::List(l) => Val::List(l.clone()),
            _ => return None,
        },
        "distinct" => Val::List(dedup(list(arg(0)?)?.clone())),
        "compact" => Val::List(
            list(arg(0)?)?
                .iter()
                .filter(|it| {
                    !matches!(&it.val, Val::Null) && !matches!(&it.val, Val::Str(s) if s.is_empty())
                })
                .cloned()
                .collect(),
        ),
        "tomap" => match arg(0)? {
            m @ Val::Map(_) => m.clone(),
            _ => return None,
        },
        "keys" => match arg(0)? {
            Val::Map(m) => Val::List(
                m.keys()
                    .map(|k| Item {
                        val: Val::Str(k.clone()),
                        span,
                    })
                    .collect(),
            ),
            _ => return None,
        },
        "values" => match arg(0)? {
            Val::Map(m) => Val::List(m.values().cloned().collect()),
            _ => return None,
        },
        "zipmap" => {
            let ks = list(arg(0)?)?;
            let vs = list(arg(1)?)?;
            let mut out = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs) {
                out.insert(string(&k.val)?, v.clone());
            }
            Val::Map(out)
        }
        "contains" => {
            let l = list(arg(0)?)?;
            let x = arg(1)?;
            let mut unknown = false;
            for it in l {
                match it.val.equals(x) {
                    Some(true) => return Some(Val::Bool(true)),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                Val::unknown("`contains` over unknown elements")
            } else {
                Val::Bool(false)
            }
        }
        "replace" => {
            let s = string(arg(0)?)?;
            let from = string(arg(1)?)?;
            let to = string(arg(2)?)?;
            if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                return Some(Val::unknown(
                    "`replace` with a regular expression is not evaluated",
                ));
            }
            Val::Str(s.replace(&from, &to))
        }
        "lower" => Val::Str(string(arg(0)?)?.to_lowercase()),
        "upper" => Val::Str(string(arg(0)?)?.to_uppercase()),
        "trimspace" => Val::Str(string(arg(0)?)?.trim().to_string()),
        "tostring" => Val::Str(string(arg(0)?)?),
        "tonumber" => Val::Num(string(arg(0)?)?.parse().ok()?),
        "tobool" => match arg(0)? {
            Val::Bool(b) => Val::Bool(*b),
            Val::Str(s) if s == "true" => Val::Bool(true),
            Val::Str(s) if s == "false" => Val::Bool(false),
            _ => return None,
        },
        "min" | "max" => {
            let ns: Option<Vec<f64>> = args
                .iter()
                .map(|a| {
                    int(&a.val).map(|i| i as f64).or(match a.val {
                        Val::Num(n) => Some(n),
                        _ => None,
                    })
                })
                .collect();
            let ns = ns?;
            let first = *ns.first()?;
            Val::Num(ns.into_iter().fold(
                first,
                |a, b| if name == "min" { a.min(b) } else { a.max(b) },
            ))
        }
        "range" => {
            let (start, end) = match args.len() {
                1 => (0, int(arg(0)?)?),
                _ => (int(arg(0)?)?, int(arg(1)?)?),
            };
            if end - start > 4096 || end < start {
                return None;
            }
            Val::List(
                (start..end)
                    .map(|i| Item {
                        val: Val::Num(i as f64),
                        span,
                    })
                    .collect(),
            )
        }
        "slice" => {
            let l = list(arg(0)?)?;
            let a = usize::try_from(int(arg(1)?)?).ok()?;
            let b = usize::try_from(int(arg(2)?)?).ok()?;
            Val::List(l.get(a..b)?.to_vec())
        }
        "cidrsubnet" => {
            let net = string(arg(0)?)?;
            let newbits = u32::try_from(int(arg(1)?)?).ok()?;
            let num = u128::try_from(int(arg(2)?)?).ok()?;
            match cidrsubnet(&net, newbits, num) {
                Some(s) => Val::Str(s),
                None => Val::unknown(format!("cidrsubnet({net}, {newbits}, {num}) is invalid")),
            }
        }
        "cidrhost" => {
            let net = string(arg(0)?)?;
            let num = i128::from(int(arg(1)?)?);
            match cidrhost(&net, num) {
                Some(s) => Val::Str(s),
                None => Val::unknown(format!("cidrhost({net}, {num}) is invalid")),
            }
        }
        _ => return None,
    };
    Some(v)
}

fn dedup(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for it in items {
        if !out.iter().any(|o| o.val.equals(&it.val) == Some(true)) {
            out.push(it);
        }
    }
    out
}

/// `format` with the verbs configurations use for names and ARNs: `%s`, `%d`, `%v`, `%%`.
fn format(args: &[Item]) -> Option<Val> {
    let spec = string(&args.first()?.val)?;
    let mut out = String::new();
    let mut next = 1;
    let mut partial: Option<Reason> = None;
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => {
                let a = &args.get(next)?.val;
                next += 1;
                match a {
                    Val::Partial { text, reason } => {
                        out.push_str(text);
                        partial.get_or_insert(reason.clone());
                    }
                    Val::Ref(_) => {
                        out.push(HOLE);
                        partial.get_or_insert(reason_or(a, String::new()));
                    }
                    other => out.push_str(&other.as_str()?),
                }
            }
            _ => return None,
        }
    }
    Some(match partial {
        None => Val::Str(out),
        Some(reason) => Val::Partial { text: out, reason },
    })
}

/// Terraform's `cidrsubnet` for IPv4 and IPv6.
pub fn cidrsubnet(net: &str, newbits: u32, num: u128) -> Option<String> {
    let (addr, len) = net.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let new_len = len.checked_add(newbits).filter(|l| *l <= 32)?;
            if newbits < 128 && num >> newbits != 0 {
                return None;
            }
            let base = u32::from(a) & mask32(len);
            let shift = 32 - new_len;
            let add = u32::try_from(num).ok()?.checked_shl(shift).unwrap_or(0);
            Some(format!("{}/{new_len}", Ipv4Addr::from(base | add)))
        }
        IpAddr::V6(a) => {
            let new_len = len.checked_add(newbits).filter(|l| *l <= 128)?;
            if newbits < 128 && num >> newbits != 0 {
                return None;
            }
            let base = u128::from(a) & mask128(len);
            let add = num.checked_shl(128 - new_len).unwrap_or(0);
            Some(format!("{}/{new_len}", Ipv6Addr::from(base | add)))
        }
    }
}

/// Terraform's `cidrhost`: negative numbers count from the end of the range.
pub fn cidrhost(net: &str, num: i128) -> Option<String> {
    let (addr, len) = net.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let size = 1i128 << (32 - len.min(32));
            let n = if num < 0 { size + num } else { num };
            if n < 0 || n >= size {
                return None;
            }
            let base = u32::from(a) & mask32(len);
            Some(Ipv4Addr::from(base | n as u32).to_string())
        }
        IpAddr::V6(_) => None,
    }
}

fn mask32(len: u32) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len.min(32))
    }
}

fn mask128(len: u32) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - len.min(128))
    }
}

/// Files larger than this are not read by the file functions.
const MAX_FILE_BYTES: u64 = 4 << 20;

impl Evaluator<'_> {
    /// `path.module` (the module's directory), `path.root` and `path.cwd` (the root module's):
    /// absolute, so that `file("${path.module}/x")` resolves the way Terraform does.
    pub(super) fn path_value(&self, which: &str, scope: &Scope) -> Val {
        let Some(files) = &self.files else {
            return Val::Str(".".into());
        };
        let dir = match which {
            "module" => files
                .sources
                .get(scope.file)
                .path
                .parent()
                .map(crate::frontend::terraform::modules::canonical),
            "root" | "cwd" => Some(files.root_dir.clone()),
            _ => None,
        };
        match dir {
            Some(d) => Val::Str(d.to_string_lossy().into_owned()),
            None => Val::unknown(format!("`path.{which}` is not known")),
        }
    }

    /// `file(path)`, `fileexists(path)`, `templatefile(path, vars)`: read inside the linted
    /// paths only (canonicalised, so `..` and symbolic links cannot escape), at most 4 MiB.
    fn file_function(&self, name: &str, args: Vec<Item>, scope: &Scope) -> Val {
        let Some(files) = &self.files else {
            return Val::unknown(format!("`{name}()` is not evaluated here"));
        };
        let mut args = args.into_iter();
        let path = match args.next().map(|a| a.val) {
            Some(Val::Str(p)) => p,
            Some(other) => {
                return Val::Unknown(reason_or(&other, format!("`{name}()` of an unknown path")))
            }
            None => return Val::unknown(format!("`{name}()` without a path")),
        };
        let joined = files.root_dir.join(&path);
        // Shown relative to the root module, as written, not as this machine's absolute path.
        let root = format!("{}/", files.root_dir.display());
        let path = path.strip_prefix(&root).unwrap_or(&path).to_string();
        // The one confinement check (`crate::paths`): links and `..` resolved.
        let canonical = crate::paths::resolve(&joined);
        if !files.roots.contains_resolved(&canonical) {
            return Val::unknown(format!(
                "`{name}()`: `{path}` is outside the linted paths (not read; see --allow-read)"
            ));
        }
        if !canonical.exists() {
            return if name == "fileexists" {
                Val::Bool(false)
            } else {
                Val::unknown(format!("`{name}()`: `{path}` does not exist"))
            };
        }
        if name == "fileexists" {
            return Val::Bool(canonical.is_file());
        }
        let text = match std::fs::metadata(&canonical) {
            Ok(m) if m.is_file() && m.len() <= MAX_FILE_BYTES => {
                std::fs::read_to_string(&canonical)
            }
            Ok(_) => {
                return Val::unknown(format!(
                    "`{name}()`: `{path}` is not a regular file under 4 MiB"
                ))
            }
            Err(e) => Err(e),
        };
        let text = match text {
            Ok(t) => t,
            Err(e) => return Val::unknown(format!("`{name}()`: cannot read `{path}`: {e}")),
        };
        if name == "file" {
            return Val::Str(text);
        }
        // templatefile: the file is a string template evaluated with the given variables only.
        let vars: Vec<(String, Val)> = match args.next().map(|a| a.val) {
            Some(Val::Map(map)) => map.into_iter().map(|(k, item)| (k, item.val)).collect(),
            None | Some(Val::Null) => Vec::new(),
            Some(other) => {
                return Val::Unknown(reason_or(
                    &other,
                    "`templatefile()` variables are unknown".into(),
                ))
            }
        };
        let template = match hcl_edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => {
                return Val::unknown(format!(
                    "`templatefile()`: `{path}` is not a valid template: {}",
                    e.message()
                ))
            }
        };
        let mut inner = Scope::new(scope.file);
        inner.module = scope.module;
        inner.vars = vars;
        self.template(&template, &inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_functions() {
        assert_eq!(
            cidrsubnet("10.0.0.0/16", 8, 1).as_deref(),
            Some("10.0.1.0/24")
        );
        assert_eq!(
            cidrsubnet("10.0.0.0/16", 4, 15).as_deref(),
            Some("10.0.240.0/20")
        );
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 256), None);
        assert_eq!(cidrsubnet("10.0.0.0/30", 8, 0), None);
        assert_eq!(
            cidrsubnet("2600:1f18::/56", 8, 2).as_deref(),
            Some("2600:1f18:0:2::/64")
        );
        assert_eq!(cidrhost("10.0.1.0/24", 5).as_deref(), Some("10.0.1.5"));
        assert_eq!(cidrhost("10.0.1.0/24", -2).as_deref(), Some("10.0.1.254"));
        assert_eq!(cidrhost("10.0.1.0/24", 256), None);
    }
}
