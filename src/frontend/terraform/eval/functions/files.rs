//! The functions that read files (`file`, `fileexists`, `templatefile`, `filebase64`, the file
//! hashes), `templatestring`, `path.*`, and the path functions that need no file system
//! (`basename`, `dirname`). Files are read only inside the linted paths.

use hcl_edit::expr::{Expression, FuncCall};

use super::{fail, hash, Args, Evaluator, Item, Out, Scope, Val};
use crate::frontend::terraform::eval::reason_or;

/// Path functions over strings; `abspath` and `pathexpand` depend on the machine running
/// Terraform (its working directory, `$HOME`).
pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "basename" => a.arity(1, 1).and_then(|_| {
            let p = a.str(0)?;
            Ok(Val::Str(go_base(&p)))
        }),
        "dirname" => a.arity(1, 1).and_then(|_| {
            let p = a.str(0)?;
            Ok(Val::Str(go_dir(&p)))
        }),
        "abspath" | "pathexpand" => {
            fail("depends on the machine running Terraform (its working or home directory)")
        }
        "fileset" => fail("listing files by pattern is not evaluated"),
        _ => return None,
    })
}

/// Go's `filepath.Base` on a Unix system.
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir` on a Unix system: everything before the last `/`, cleaned.
fn go_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    go_clean(dir)
}

/// Go's `filepath.Clean` (lexical: `.`, `..`, repeated slashes).
fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Files larger than this are not read by the file functions.
const MAX_FILE_BYTES: u64 = 4 << 20;

impl Evaluator<'_> {
    /// `path.module` (the module's directory), `path.root` and `path.cwd` (the root module's):
    /// absolute, so that `file("${path.module}/x")` resolves the way Terraform does.
    pub(in crate::frontend::terraform::eval) fn path_value(
        &self,
        which: &str,
        scope: &Scope,
    ) -> Val {
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

    /// `file(path)`, `fileexists(path)`, `templatefile(path, vars)`, `filebase64(path)` and
    /// the file hashes: read inside the linted paths only (canonicalised, so `..` and symbolic
    /// links cannot escape), at most 4 MiB.
    pub(super) fn file_function(&self, name: &str, args: Vec<Item>, scope: &Scope) -> Val {
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
        let bytes = match std::fs::metadata(&canonical) {
            Ok(m) if m.is_file() && m.len() <= MAX_FILE_BYTES => std::fs::read(&canonical),
            Ok(_) => {
                return Val::unknown(format!(
                    "`{name}()`: `{path}` is not a regular file under 4 MiB"
                ))
            }
            Err(e) => Err(e),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => return Val::unknown(format!("`{name}()`: cannot read `{path}`: {e}")),
        };
        if let Some(v) = hash::of_file(name, &bytes) {
            return v;
        }
        // `file` and `templatefile` need UTF-8 text, like Terraform.
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Val::unknown(format!(
                    "`{name}()`: `{path}` is not UTF-8 text (use filebase64)"
                ))
            }
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
        self.render(name, &text, &path, vars, scope)
    }

    /// A template with only the given variables in scope (`templatefile`, `templatestring`).
    fn render(
        &self,
        name: &str,
        text: &str,
        what: &str,
        vars: Vec<(String, Val)>,
        scope: &Scope,
    ) -> Val {
        let template = match crate::syntax::hcl::parse_template(text) {
            Ok(t) => t,
            Err(e) => {
                return Val::unknown(format!(
                    "`{name}()`: `{what}` is not a valid template: {}",
                    e.message()
                ))
            }
        };
        let mut inner = Scope::new(scope.file);
        inner.module = scope.module;
        inner.vars = vars;
        self.template(&template, &inner)
    }

    /// `templatestring(ref, vars)`: Terraform accepts only a reference to a string as the
    /// template (a literal would be rendered twice), so anything else stays unknown.
    pub(super) fn templatestring(&self, f: &FuncCall, args: Vec<Item>, scope: &Scope) -> Val {
        let direct = matches!(
            f.args.iter().next(),
            Some(Expression::Traversal(_) | Expression::Variable(_))
        );
        if !direct || args.len() != 2 {
            return Val::unknown(
                "`templatestring()`: the template must be a reference to a string, with a vars map",
            );
        }
        let mut args = args.into_iter();
        let text = match args.next().map(|a| a.val) {
            Some(Val::Str(t)) => t,
            Some(other) => {
                return Val::Unknown(reason_or(
                    &other,
                    "`templatestring()`: the template is not a string".into(),
                ))
            }
            None => return Val::unknown("`templatestring()` without a template"),
        };
        let vars: Vec<(String, Val)> = match args.next().map(|a| a.val) {
            Some(Val::Map(map)) => map.into_iter().map(|(k, item)| (k, item.val)).collect(),
            Some(other) => {
                return Val::Unknown(reason_or(
                    &other,
                    "`templatestring()` variables are not a map".into(),
                ))
            }
            None => Vec::new(),
        };
        self.render("templatestring", &text, "the template", vars, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn paths() {
        check(r#"basename("foo/bar/baz.txt")"#, r#""baz.txt""#);
        check(r#"basename("foo/bar/")"#, r#""bar""#);
        check(r#"basename("")"#, r#"".""#);
        check(r#"basename([])"#, "unknown(*not a string)");
        check(r#"basename(var.unset)"#, "unknown(*unset*)");
        check(r#"dirname("foo/bar/baz.txt")"#, r#""foo/bar""#);
        check(r#"dirname("/foo/../bar/baz")"#, r#""/bar""#);
        check(r#"dirname("baz.txt")"#, r#"".""#);
        check(r#"dirname({})"#, "unknown(*not a string)");
        check(r#"dirname(var.unset)"#, "unknown(*unset*)");
        check(
            r#"abspath("x")"#,
            "unknown(`abspath()`: depends on the machine*)",
        );
        check(r#"pathexpand("~/x")"#, "unknown(*depends on the machine*)");
        check(r#"fileset(".", "*")"#, "unknown(*not evaluated)");
        // Without file access (plan files), the file functions are unknown.
        check(
            r#"filemd5("x")"#,
            "unknown(`filemd5()` is not evaluated here)",
        );
    }
}
