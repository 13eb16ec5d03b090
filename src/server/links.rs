//! Which files of the workspace link to which, across directories, so that a change in one
//! re-lints every unit that includes it: Terraform roots calling a local module
//! (`source = "../modules/x"`), templates nesting another by a relative `TemplateURL` /
//! `Location`, and templates importing (`Fn::ImportValue`) a name another template exports.
//!
//! The index is built once per set of workspace folders (a walk as discovery does it, reading
//! only Terraform files and template candidates) and kept current for open documents from their
//! unsaved text. Only literal links are seen: a module source, a nested template location or an
//! import name computed from parameters or variables is not (the lint itself may still resolve
//! it; it then reads the file, and the unit is re-linted on its changes once it has read it).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use crate::discover::{classify, FileKind};
use crate::source::FileId;
use crate::syntax::{self, Limits, Node};

/// Files larger than this are not read for links (the lint has its own limits).
const MAX_BYTES: u64 = 4 << 20;
/// Links followed from one file, transitively.
const MAX_REACH: usize = 512;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FileLinks {
    /// Terraform: the directories of the local modules this file calls.
    modules: Vec<PathBuf>,
    /// Templates: nested templates named by a relative path.
    nested: Vec<PathBuf>,
    exports: Vec<String>,
    imports: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Links {
    scanned: bool,
    files: BTreeMap<PathBuf, FileLinks>,
}

impl Links {
    /// Forgets everything (the workspace folders changed): the next use walks them again.
    pub fn reset(&mut self) {
        *self = Links::default();
    }

    /// Walks the folders once (resolved paths), unless done already.
    pub fn ensure(&mut self, folders: &[PathBuf]) {
        if self.scanned {
            return;
        }
        self.scanned = true;
        if folders.is_empty() {
            return;
        }
        for (path, _) in crate::discover::discover(folders).files {
            if let Some(text) = read_small(&path) {
                let path = crate::paths::resolve(&path);
                self.update(&path, &text);
            }
        }
    }

    /// The links of one file from its current text.
    pub fn update(&mut self, path: &Path, text: &str) {
        let links = match classify(path) {
            Some(FileKind::Terraform) => terraform(path, text),
            Some(FileKind::TerraformJson) => terraform_json(path, text),
            Some(FileKind::TemplateCandidate) => template(path, text),
            _ => FileLinks::default(),
        };
        if links == FileLinks::default() {
            self.files.remove(path);
        } else {
            self.files.insert(path.to_path_buf(), links);
        }
    }

    /// The files that include `path`, directly or through others: the callers of its module
    /// (its directory), the templates that nest it, the templates that import what it exports.
    pub fn includers(&self, path: &Path) -> BTreeSet<PathBuf> {
        let mut out = BTreeSet::new();
        let mut queue = VecDeque::from([path.to_path_buf()]);
        while let Some(p) = queue.pop_front() {
            if out.len() >= MAX_REACH {
                break;
            }
            let dir = p.parent().unwrap_or(Path::new(""));
            let exports = self.files.get(&p).map(|l| &l.exports[..]).unwrap_or(&[]);
            for (f, l) in &self.files {
                let includes = l.modules.iter().any(|m| m == dir)
                    || l.nested.contains(&p)
                    || l.imports.iter().any(|i| exports.contains(i));
                if includes && *f != path && out.insert(f.clone()) {
                    queue.push_back(f.clone());
                }
            }
        }
        out
    }

    /// The templates a lint of `paths` must also name, in other directories: the templates they
    /// nest and the templates that export what they import, transitively.
    pub fn linked_templates(&self, paths: &[PathBuf]) -> BTreeSet<PathBuf> {
        let mut out = BTreeSet::new();
        let mut queue: VecDeque<&Path> = paths.iter().map(PathBuf::as_path).collect();
        while let Some(p) = queue.pop_front() {
            let Some(l) = self.files.get(p) else { continue };
            let exporters = self
                .files
                .iter()
                .filter(|(_, o)| o.exports.iter().any(|e| l.imports.contains(e)))
                .map(|(f, _)| f);
            for t in l.nested.iter().chain(exporters) {
                if out.len() >= MAX_REACH {
                    return out;
                }
                if !paths.contains(t) && out.insert(t.clone()) {
                    queue.push_back(t);
                }
            }
        }
        out
    }
}

/// A regular file's text, if it is small enough and UTF-8 (never a FIFO or device, which would
/// block the server).
pub fn read_small(path: &Path) -> Option<String> {
    let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES);
    small.then(|| std::fs::read_to_string(path).ok()).flatten()
}

/// `module` blocks whose `source` is a local path.
fn terraform(path: &Path, text: &str) -> FileLinks {
    let mut links = FileLinks::default();
    let Ok(body) = syntax::hcl::parse_body(text) else {
        return links;
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    for block in body.blocks().filter(|b| b.ident.as_str() == "module") {
        let source = block
            .body
            .get_attribute("source")
            .and_then(|a| match &a.value {
                hcl_edit::expr::Expression::String(s) => Some(s.as_str().to_string()),
                _ => None,
            });
        if let Some(s) = source.filter(|s| s.starts_with("./") || s.starts_with("../")) {
            links.modules.push(crate::paths::resolve(&dir.join(s)));
        }
    }
    links
}

/// `"module": {"x": {"source": "../modules/x"}}` in a `.tf.json` file.
fn terraform_json(path: &Path, text: &str) -> FileLinks {
    let mut links = FileLinks::default();
    let Ok(doc) = syntax::json::parse(FileId(0), text, &Limits::default()) else {
        return links;
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    for (_, module) in doc.root.get("module").map_or(&[][..], Node::entries) {
        let source = module.get("source").and_then(Node::as_str);
        if let Some(s) = source.filter(|s| s.starts_with("./") || s.starts_with("../")) {
            links.modules.push(crate::paths::resolve(&dir.join(s)));
        }
    }
    links
}

/// Nested stacks with a relative template location, exported and imported names.
fn template(path: &Path, text: &str) -> FileLinks {
    let mut links = FileLinks::default();
    let parsed = if text.trim_start().starts_with('{') {
        syntax::json::parse(FileId(0), text, &Limits::default())
    } else {
        syntax::yaml::parse(FileId(0), text, &Limits::default())
    };
    let Ok(doc) = parsed else { return links };
    let dir = path.parent().unwrap_or(Path::new(""));
    for (_, r) in doc.root.get("Resources").map_or(&[][..], Node::entries) {
        let location = match r.get("Type").and_then(Node::as_str) {
            Some("AWS::CloudFormation::Stack") => "TemplateURL",
            Some("AWS::Serverless::Application") => "Location",
            _ => continue,
        };
        let target = r
            .get("Properties")
            .and_then(|p| p.get(location))
            .filter(|n| n.tag.is_none())
            .and_then(Node::as_str);
        if let Some(t) = target.filter(|t| !t.contains("://") && !t.starts_with("arn:")) {
            links.nested.push(crate::paths::resolve(&dir.join(t)));
        }
    }
    for (_, output) in doc.root.get("Outputs").map_or(&[][..], Node::entries) {
        let name = output.get("Export").and_then(|e| e.get("Name"));
        if let Some(n) = name.filter(|n| n.tag.is_none()).and_then(Node::as_str) {
            links.exports.push(n.to_string());
        }
    }
    // Imports anywhere in the template, `!ImportValue name` or `{"Fn::ImportValue": name}`.
    let mut stack = vec![&doc.root];
    while let Some(node) = stack.pop() {
        if node.tag.as_ref().is_some_and(|t| t.0 == "!ImportValue") {
            links.imports.extend(node.as_str().map(str::to_string));
        }
        for (key, value) in node.entries() {
            if key.text == "Fn::ImportValue" {
                links.imports.extend(value.as_str().map(str::to_string));
            }
            stack.push(value);
        }
        stack.extend(node.items());
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_nested_templates_and_imports_lead_to_their_includers() {
        let mut links = Links::default();
        let root = Path::new("/w/live/main.tf");
        links.update(root, "module \"a\" {\n  source = \"../modules/a\"\n}\n");
        let a = Path::new("/w/modules/a/main.tf");
        links.update(a, "module \"b\" {\n  source = \"./b\"\n}\n");
        let json_root = Path::new("/w/other/main.tf.json");
        links.update(
            json_root,
            "{\"module\": {\"b\": {\"source\": \"../modules/a/b\"}}}",
        );
        let b = Path::new("/w/modules/a/b/x.tf");
        assert_eq!(
            links.includers(b).into_iter().collect::<Vec<_>>(),
            [root.to_path_buf(), a.to_path_buf(), json_root.to_path_buf()]
        );
        let parent = Path::new("/w/p/root.yaml");
        links.update(
            parent,
            "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ../n/child.yaml\n",
        );
        let child = Path::new("/w/n/child.yaml");
        links.update(
            child,
            "Resources: {}\nOutputs:\n  V:\n    Export:\n      Name: net-vpc\n",
        );
        let importer = Path::new("/w/i/app.json");
        links.update(
            importer,
            "{\"Resources\": {\"X\": {\"Properties\": {\"VpcId\": {\"Fn::ImportValue\": \"net-vpc\"}}}}}",
        );
        assert_eq!(
            links.includers(child).into_iter().collect::<Vec<_>>(),
            [importer.to_path_buf(), parent.to_path_buf()]
        );
        assert_eq!(
            links
                .linked_templates(&[importer.to_path_buf()])
                .into_iter()
                .collect::<Vec<_>>(),
            [child.to_path_buf()]
        );
        assert!(links.linked_templates(&[child.to_path_buf()]).is_empty());
    }
}
