//! `rules` and `explain`: the catalog rendered from the embedded metadata files.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use crate::rules::{self, RuleMeta};

/// `rules --validate`: every file is checked; errors go to stderr as `file:line:column: message`.
pub fn validate(files: &[std::path::PathBuf]) -> ExitCode {
    let mut ok = true;
    let mut out = String::new();
    for f in files {
        match rules::declarative::validate(f) {
            Ok(r) => {
                let _ = writeln!(
                    out,
                    "{}: ok ({} {}, {} check{})",
                    f.display(),
                    r.meta.id,
                    r.meta.slug,
                    r.checks.len(),
                    if r.checks.len() == 1 { "" } else { "s" }
                );
            }
            Err(e) => {
                super::stderr::error(e);
                ok = false;
            }
        }
    }
    let printed = print(&out);
    if ok {
        printed
    } else {
        ExitCode::from(1)
    }
}

pub fn list(json: bool) -> ExitCode {
    let all = rules::all();
    let catalog: Vec<RuleMeta> = all.into_iter().cloned().collect();
    let catalog = catalog.as_slice();
    let text = if json {
        let mut s = serde_json::to_string_pretty(catalog).unwrap_or_default();
        s.push('\n');
        s
    } else {
        table(catalog)
    };
    print(&text)
}

/// The catalog as an aligned text table.
pub fn table(catalog: &[RuleMeta]) -> String {
    let slug_w = catalog
        .iter()
        .map(|m| m.slug.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<7} {:<slug_w$} {:<8} {}\n",
        "ID", "SLUG", "SEVERITY", "TITLE"
    );
    for m in catalog {
        let _ = writeln!(
            out,
            "{:<7} {:<slug_w$} {:<8} {}",
            m.id,
            m.slug,
            m.severity.as_str(),
            m.title
        );
    }
    out
}

pub fn explain(name: &str) -> ExitCode {
    let Some(m) = rules::find(name) else {
        super::stderr::error(unknown_rule(name));
        return ExitCode::from(2);
    };
    print(&page(m))
}

/// The message for a rule name that is neither an ID nor a slug, with the nearest of both.
pub fn unknown_rule(name: &str) -> String {
    let all = rules::all();
    let names = all.iter().flat_map(|m| [m.id.as_str(), m.slug.as_str()]);
    let near = crate::suggest::nearest(name, names, crate::suggest::Match::Whole);
    format!(
        "unknown rule `{name}` (see `lambda-vpc-lint rules`){}",
        crate::suggest::did_you_mean(&near)
    )
}

/// One rule's documentation page, in Markdown.
pub fn page(m: &RuleMeta) -> String {
    let mut out = format!(
        "# {} {}\n\n{}\n\nSeverity: {}",
        m.id, m.slug, m.title, m.severity
    );
    if m.may_emit.len() > 1 {
        let all: Vec<&str> = m.may_emit.iter().map(|s| s.as_str()).collect();
        let _ = write!(out, " (may report {})", all.join(" or "));
    }
    let _ = write!(
        out,
        "\n\n## Why\n\n{}\n\n## How to fix\n\n{}\n",
        m.why.trim_end(),
        m.fix.trim_end()
    );
    if let Some(p) = &m.precedence {
        let _ = write!(out, "\n## Precedence\n\n{}\n", p.trim_end());
    }
    if let Some(k) = &m.known_limits {
        let _ = write!(out, "\n## Known limits\n\n{}\n", k.trim_end());
    }
    if let Some(ex) = &m.examples {
        for (eco, lang, e) in [
            ("Terraform", "hcl", &ex.terraform),
            ("CloudFormation", "yaml", &ex.cloudformation),
        ] {
            let _ = write!(
                out,
                "\n## {eco}\n\nBad:\n\n```{lang}\n{}\n```\n\nGood:\n\n```{lang}\n{}\n```\n",
                e.bad.trim_end(),
                e.good.trim_end()
            );
        }
    }
    if !m.references.is_empty() {
        out.push_str("\n## References\n\n");
        for r in &m.references {
            let _ = writeln!(out, "- {}: {}", r.title, r.url);
        }
    }
    if !m.seeds.is_empty() {
        let _ = write!(out, "\nSource documents: {}\n", m.seeds.join(", "));
    }
    out
}

fn print(text: &str) -> ExitCode {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            super::stderr::error(e);
            ExitCode::from(2)
        }
    }
}
