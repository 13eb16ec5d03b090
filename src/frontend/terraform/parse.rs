//! Parsing the module's `.tf` files and indexing its declarations (variables, locals, resources,
//! data sources) so the evaluator can find them by name.

use std::collections::HashMap;

use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::Span as _;

use super::json_syntax::{self, remap, SpanMap};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};

/// One parsed `.tf` file.
pub struct ParsedFile {
    pub file: FileId,
    pub body: Body,
}

/// Parses every `.tf` and `.tf.json` file (other files are ignored); a file that does not
/// parse is reported and left out, the others still load. JSON files come with the map from
/// their HCL translation back to their own bytes.
pub fn parse_files(
    files: &[FileId],
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ParsedFile>, Vec<(FileId, SpanMap)>) {
    let mut out = Vec::new();
    let mut maps = Vec::new();
    for &id in files {
        let src = sources.get(id);
        let name = src.display.to_ascii_lowercase();
        let mut error = |at: usize, message: String| {
            diagnostics.push(Diagnostic::input(
                codes::PARSE_ERROR,
                Span::new(id, at..at),
                &src.display,
                message,
            ))
        };
        if name.ends_with(".tf.json") {
            let (text, map) = match json_syntax::translate(id, &src.text) {
                Ok(t) => t,
                Err(e) => {
                    error(
                        e.span.start as usize,
                        format!("JSON parse error: {}", e.message),
                    );
                    continue;
                }
            };
            match crate::syntax::hcl::parse_body(&text) {
                Ok(body) => {
                    out.push(ParsedFile { file: id, body });
                    maps.push((id, map));
                }
                Err(e) => {
                    let at = map.map(e.location().offset()..e.location().offset()).start;
                    error(
                        at,
                        format!("Terraform JSON expression error: {}", e.message()),
                    );
                }
            }
        } else if name.ends_with(".tf") {
            match crate::syntax::hcl::parse_body(&src.text) {
                Ok(body) => out.push(ParsedFile { file: id, body }),
                Err(e) => {
                    // hcl-edit may point inside a multi-byte character (at the end of input).
                    let mut at = e.location().offset().min(src.text.len());
                    while !src.text.is_char_boundary(at) {
                        at -= 1;
                    }
                    error(at, format!("HCL parse error: {}", e.message()));
                }
            }
        }
    }
    (out, maps)
}

/// A `resource` or `data` block.
pub struct Resource<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub file: FileId,
    pub block: &'a Block,
}

impl Resource<'_> {
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind, self.name)
    }
    pub fn body(&self) -> &Body {
        &self.block.body
    }
}

/// The declarations of one module, borrowed from the parsed files.
#[derive(Default)]
pub struct Decls<'a> {
    pub variables: HashMap<&'a str, (FileId, &'a Block)>,
    pub locals: HashMap<&'a str, (FileId, &'a Attribute)>,
    /// Managed resources in file and declaration order (the model's order).
    pub resources: Vec<Resource<'a>>,
    pub resource_index: HashMap<(&'a str, &'a str), usize>,
    pub data: HashMap<(&'a str, &'a str), Resource<'a>>,
    /// `output` blocks, in file order.
    pub outputs: Vec<(&'a str, &'a Block)>,
    pub output_index: HashMap<&'a str, (FileId, &'a Block)>,
    /// `module` blocks, in file order (the first of a name wins).
    pub modules: Vec<ModuleCall<'a>>,
    /// The default `provider "aws"` block (the first without `alias`), whose `region` the
    /// region and partition data sources read.
    pub aws_provider: Option<(FileId, &'a Block)>,
}

/// A `module "name" { source = ... }` block.
pub struct ModuleCall<'a> {
    pub name: &'a str,
    pub file: FileId,
    pub block: &'a Block,
}

impl<'a> Decls<'a> {
    pub fn collect(files: &'a [ParsedFile]) -> Self {
        let mut d = Decls::default();
        for pf in files {
            for block in pf.body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        d.variables.entry(name).or_insert((pf.file, block));
                    }
                    ("output", [name]) => {
                        d.outputs.push((name, block));
                        d.output_index.entry(name).or_insert((pf.file, block));
                    }
                    ("module", [name]) if !d.modules.iter().any(|m| m.name == *name) => {
                        d.modules.push(ModuleCall {
                            name,
                            file: pf.file,
                            block,
                        });
                    }
                    ("locals", []) => {
                        for attr in block.body.attributes() {
                            d.locals.entry(attr.key.as_str()).or_insert((pf.file, attr));
                        }
                    }
                    ("resource", [kind, name]) => {
                        if d.resource_index.contains_key(&(*kind, *name)) {
                            continue;
                        }
                        d.resource_index.insert((kind, name), d.resources.len());
                        d.resources.push(Resource {
                            kind,
                            name,
                            file: pf.file,
                            block,
                        });
                    }
                    ("provider", ["aws"])
                        if d.aws_provider.is_none() && !block.body.has_attribute("alias") =>
                    {
                        d.aws_provider = Some((pf.file, block));
                    }
                    ("data", [kind, name]) => {
                        d.data.entry((kind, name)).or_insert(Resource {
                            kind,
                            name,
                            file: pf.file,
                            block,
                        });
                    }
                    _ => {}
                }
            }
        }
        d
    }

    pub fn module(&self, name: &str) -> Option<&ModuleCall<'a>> {
        self.modules.iter().find(|m| m.name == name)
    }

    pub fn resource(&self, kind: &str, name: &str) -> Option<&Resource<'a>> {
        self.resource_index
            .get(&(kind, name))
            .and_then(|&i| self.resources.get(i))
    }
}

/// The span of a block's header (type and labels), where findings about the resource point.
pub fn header_span(file: FileId, block: &Block) -> Span {
    let start = block
        .ident
        .span()
        .or_else(|| block.span())
        .map(|r| r.start)
        .unwrap_or(0);
    let end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map(|r| r.end)
        .unwrap_or(start);
    Span::new(file, remap(file, start..end))
}

/// The span of any spanned hcl-edit node (empty at 0 if the parser gave none, which it always
/// does for parsed input).
pub fn span_of(file: FileId, node: &impl hcl_edit::Span) -> Span {
    Span::new(file, remap(file, node.span().unwrap_or(0..0)))
}
