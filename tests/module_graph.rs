//! The top-level modules of `src/` import each other without a cycle (ARCHITECTURE.md: data flows
//! one way). Every `crate::<module>` path in a module's files counts, in `use` lines and inline,
//! in test code too: a cycle through a test helper still ties the two modules together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The files of each top-level module: `src/x.rs` and everything under `src/x/`.
fn modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut stack = vec![path];
            while let Some(dir) = stack.pop() {
                for e in std::fs::read_dir(&dir).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "rs") {
                        out.entry(name.clone()).or_default().push(p);
                    }
                }
            }
        } else if path.extension().is_some_and(|x| x == "rs") && name != "lib" && name != "main" {
            out.entry(name).or_default().push(path);
        }
    }
    out
}

/// The top-level modules a Rust text names as `crate::x`, `crate::{x, y::z}` (comments skipped).
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `foo_crate::`, not our crate
            }
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of the group, up to its closing brace (one line in rustfmt
                // output for short groups; longer ones continue below, handled by `group_names`).
                out.extend(group_names(group));
            } else {
                out.insert(ident(rest));
            }
        }
    }
    // Multi-line groups: `use crate::{\n    a::b,\n    c,\n};`
    let mut rest = text;
    while let Some(at) = rest.find("use crate::{") {
        rest = &rest[at + "use crate::{".len()..];
        out.extend(group_names(rest));
    }
    out.retain(|m| !m.is_empty());
    out
}

/// The first name of each top-level item of a `{...}` group (text after the `{`).
fn group_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && (c.is_alphanumeric() || c == '_') => {
                names.push(ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle in `graph`, as the list of modules on it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Iterative depth-first search with colours: 1 = on the current path, 2 = done.
    let mut colour: BTreeMap<&str, u8> = BTreeMap::new();
    for start in graph.keys() {
        if colour.contains_key(start.as_str()) {
            continue;
        }
        let mut path: Vec<(&str, Vec<&str>)> = Vec::new();
        let next = |m: &str| -> Vec<&str> {
            graph
                .get(m)
                .map(|s| s.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        colour.insert(start, 1);
        path.push((start, next(start)));
        while let Some((node, todo)) = path.last_mut() {
            let node = *node;
            match todo.pop() {
                Some(n) => match colour.get(n) {
                    Some(1) => {
                        let from = path.iter().position(|(m, _)| *m == n).unwrap();
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|(m, _)| m.to_string()).collect();
                        cycle.push(n.to_string());
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(n, 1);
                        path.push((n, next(n)));
                    }
                },
                None => {
                    colour.insert(node, 2);
                    path.pop();
                }
            }
        }
    }
    None
}

fn graph_of(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, files)| {
            let mut deps = BTreeSet::new();
            for f in files {
                let text = std::fs::read_to_string(f).unwrap();
                deps.extend(imports(&text));
            }
            deps.retain(|d| d != name && names.contains(d));
            (name.clone(), deps)
        })
        .collect()
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph_of(&src);
    // The parse must see the real edges, or the test could not fail.
    assert!(graph["engine"].contains("frontend"), "{graph:#?}");
    assert!(graph["cli"].contains("engine"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle among top-level modules: {}",
            cycle.join(" -> ")
        );
    }
}

/// Path confinement is decided in one place (`src/paths.rs`, SECURITY.md): a reader that
/// canonicalises or compares paths by itself is how normalisers came to disagree about `..`.
#[test]
fn only_paths_rs_resolves_paths_for_confinement() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for files in modules(&src).values() {
        for f in files {
            if f.ends_with("paths.rs") {
                continue;
            }
            let text = std::fs::read_to_string(f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if code.contains("canonicalize(") || code.contains("fn normalize(") {
                    offenders.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use crate::paths instead:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_parser_sees_every_form_of_crate_path_and_cycles_are_found() {
    let text =
        "use crate::a::B;\nuse crate::{b, c::D};\nuse crate::{\n    d::{E, F},\n    e,\n};\n\
                fn f() { crate::f::g(); } // crate::ignored\nuse foo_crate::h;\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d", "e", "f"]);

    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".into()].into());
    graph.insert("b".into(), ["c".into()].into());
    graph.insert("c".into(), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
    graph.get_mut("c").unwrap().insert("a".into());
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

/// Words that name a front end or its syntax in a Rust text, comments skipped: `(line, word)`.
fn syntax_words(text: &str, words: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("").to_ascii_lowercase();
        for w in words {
            if code.contains(w) {
                out.push((n + 1, w.to_string()));
            }
        }
    }
    out
}

/// Rules describe fixes in AWS terms (`crate::fix::FixIntent`); the front end's renderer prints
/// them. So no rule knows which front end a unit came from, nor any front end's syntax. The rule
/// registry and the rule language read rule files, which are YAML: they may name YAML, nothing
/// else.
#[test]
fn rules_never_name_a_front_end_or_its_syntax() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let everywhere = ["ecosystem", "frontend", "hcl"];
    let in_checks = ["ecosystem", "frontend", "hcl", "yaml", "crate::syntax"];
    let rule_files = [
        Path::new("rules/mod.rs"),
        Path::new("rules/meta.rs"),
        Path::new("rules/declarative"),
    ];
    let files = &modules(&src)["rules"];
    assert!(files.len() > 20, "{files:?}");
    let mut offenders = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let words: &[&str] = if rule_files.iter().any(|p| rel.starts_with(p)) {
            &everywhere
        } else {
            &in_checks
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (line, word) in syntax_words(&text, words) {
            offenders.push(format!("{}:{line}: {word}", rel.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "build a `crate::fix::FixIntent` and let `RuleContext::fix` render it:\n{}",
        offenders.join("\n")
    );
    // The scan sees what it looks for: the renderers name the front ends.
    let renderer = std::fs::read_to_string(src.join("fix/mod.rs")).unwrap();
    assert!(!syntax_words(&renderer, &everywhere).is_empty());
}
