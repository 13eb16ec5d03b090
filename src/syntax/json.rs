//! JSON → [`Node`] tree, for CloudFormation JSON templates (CDK output) and `.tf.json`.
//!
//! jsonc-parser builds an AST with byte ranges (strict JSON: no comments, no trailing commas, no
//! unquoted keys). It caps nesting at 512 itself; our own, lower `max_depth` is enforced while
//! converting. The conversion is iterative (explicit frame stack), so the tree shape never
//! decides how much native stack we use.

use std::slice;

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{Document, Key, Limits, Node, NodeKind, SyntaxError};
use crate::source::{FileId, Span};

/// jsonc-parser's own nesting cap (not configurable in 0.34).
const JSONC_MAX_DEPTH: usize = 512;

pub fn parse(file: FileId, text: &str, limits: &Limits) -> Result<Document, SyntaxError> {
    // The loader strips a BOM; if one still arrives, skip it and keep spans in file bytes.
    let (base, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => (text.len() - rest.len(), rest),
        None => (0, text),
    };
    let at = |start: usize, end: usize| Span::new(file, base + start..base + end);

    let ast = jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &strict())
        .map_err(|e| syntax_error(&e, limits, &at))?;
    let root = match &ast.value {
        Some(value) => Converter { at: &at, limits }.convert(value)?,
        // Whitespace only: an empty document, like an empty YAML file.
        None => Node {
            kind: NodeKind::Scalar {
                text: String::new(),
                quoted: false,
            },
            tag: None,
            span: at(body.len(), body.len()),
        },
    };
    Ok(Document {
        root,
        comments: Vec::new(),
    })
}

/// RFC 8259 JSON, as CloudFormation and Terraform read it.
fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn syntax_error(
    e: &ParseError,
    limits: &Limits,
    at: &impl Fn(usize, usize) -> Span,
) -> SyntaxError {
    let range = e.range();
    let span = at(range.start, range.end);
    match e.kind() {
        ParseErrorKind::NestingDepthExceeded => {
            SyntaxError::unsupported(too_deep(limits.max_depth.min(JSONC_MAX_DEPTH)), span)
        }
        kind => SyntaxError::invalid(kind.to_string(), span),
    }
}

fn too_deep(max: usize) -> String {
    format!("nesting too deep (more than {max} levels)")
}

/// An open array or object whose children are being converted.
enum Frame<'a, 'b> {
    Seq {
        rest: slice::Iter<'b, Value<'a>>,
        items: Vec<Node>,
        span: Span,
    },
    Map {
        rest: slice::Iter<'b, ObjectProp<'a>>,
        entries: Vec<(Key, Node)>,
        /// Key of the entry whose value is being converted.
        key: Option<Key>,
        span: Span,
    },
}

struct Converter<'c, F> {
    at: &'c F,
    limits: &'c Limits,
}

impl<F: Fn(usize, usize) -> Span> Converter<'_, F> {
    fn convert(&self, root: &Value<'_>) -> Result<Node, SyntaxError> {
        let mut stack: Vec<Frame<'_, '_>> = Vec::new();
        let mut nodes = 0usize;
        let mut value = root;
        loop {
            nodes += 1;
            if nodes > self.limits.max_nodes {
                return Err(SyntaxError::unsupported(
                    format!("too many values (more than {})", self.limits.max_nodes),
                    self.span_of(value),
                ));
            }
            // Descend: a scalar is finished at once, a container opens a frame.
            let mut finished = match value {
                Value::Array(a) => {
                    self.check_depth(stack.len(), a.range.start)?;
                    stack.push(self.open_seq(a));
                    None
                }
                Value::Object(o) => {
                    self.check_depth(stack.len(), o.range.start)?;
                    stack.push(self.open_map(o));
                    None
                }
                scalar => Some(self.scalar(scalar)),
            };
            // Ascend: attach finished nodes until some frame has another child to convert.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(finished.unwrap_or_else(|| self.empty()));
                };
                if let Some(node) = finished.take() {
                    top.attach(node);
                }
                match top.next_child(self.at) {
                    Some(child) => {
                        value = child;
                        break;
                    }
                    None => finished = stack.pop().map(Frame::into_node),
                }
            }
        }
    }

    fn check_depth(&self, open: usize, start: usize) -> Result<(), SyntaxError> {
        if open >= self.limits.max_depth {
            return Err(SyntaxError::unsupported(
                too_deep(self.limits.max_depth),
                (self.at)(start, start + 1),
            ));
        }
        Ok(())
    }

    fn open_seq<'a, 'b>(&self, a: &'b Array<'a>) -> Frame<'a, 'b> {
        Frame::Seq {
            rest: a.elements.iter(),
            items: Vec::with_capacity(a.elements.len()),
            span: (self.at)(a.range.start, a.range.end),
        }
    }

    fn open_map<'a, 'b>(&self, o: &'b Object<'a>) -> Frame<'a, 'b> {
        Frame::Map {
            rest: o.properties.iter(),
            entries: Vec::with_capacity(o.properties.len()),
            key: None,
            span: (self.at)(o.range.start, o.range.end),
        }
    }

    fn scalar(&self, value: &Value<'_>) -> Node {
        let (text, quoted) = match value {
            Value::StringLit(s) => (s.value.to_string(), true),
            Value::NumberLit(n) => (n.value.to_string(), false),
            Value::BooleanLit(b) => (b.value.to_string(), false),
            Value::NullKeyword(_) => ("null".to_string(), false),
            // Containers never reach here (handled by the caller).
            Value::Array(_) | Value::Object(_) => (String::new(), false),
        };
        Node {
            kind: NodeKind::Scalar { text, quoted },
            tag: None,
            span: self.span_of(value),
        }
    }

    fn span_of(&self, value: &Value<'_>) -> Span {
        let r = match value {
            Value::StringLit(s) => s.range,
            Value::NumberLit(n) => n.range,
            Value::BooleanLit(b) => b.range,
            Value::NullKeyword(n) => n.range,
            Value::Array(a) => a.range,
            Value::Object(o) => o.range,
        };
        (self.at)(r.start, r.end)
    }

    fn empty(&self) -> Node {
        Node {
            kind: NodeKind::Scalar {
                text: String::new(),
                quoted: false,
            },
            tag: None,
            span: (self.at)(0, 0),
        }
    }
}

impl<'a, 'b> Frame<'a, 'b> {
    fn attach(&mut self, node: Node) {
        match self {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map { entries, key, .. } => {
                if let Some(k) = key.take() {
                    entries.push((k, node));
                }
            }
        }
    }

    /// The next child value to convert; for a map, remembers its key.
    fn next_child(&mut self, at: &impl Fn(usize, usize) -> Span) -> Option<&'b Value<'a>> {
        match self {
            Frame::Seq { rest, .. } => rest.next(),
            Frame::Map { rest, key, .. } => {
                let prop = rest.next()?;
                let r = match &prop.name {
                    jsonc_parser::ast::ObjectPropName::String(s) => s.range,
                    jsonc_parser::ast::ObjectPropName::Word(w) => w.range,
                };
                *key = Some(Key {
                    text: prop.name.as_str().to_string(),
                    span: at(r.start, r.end),
                });
                Some(&prop.value)
            }
        }
    }

    fn into_node(self) -> Node {
        match self {
            Frame::Seq { items, span, .. } => Node {
                kind: NodeKind::Seq(items),
                tag: None,
                span,
            },
            Frame::Map { entries, span, .. } => Node {
                kind: NodeKind::Map(entries),
                tag: None,
                span,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    use crate::syntax::test_support::{lc, scalar, scalar_entries};

    fn doc(text: &str) -> Document {
        crate::syntax::test_support::parse_ok(parse, text)
    }

    fn err(text: &str) -> SyntaxError {
        crate::syntax::test_support::parse_err(parse, text)
    }

    const TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Role": {"Fn::GetAtt": ["FnRole", "Arn"]},
        "VpcConfig": {
          "SubnetIds": [{"Ref": "SubnetA"}, {"Fn::GetAtt": ["Sub", "Id"]}]
        }
      }
    }
  }
}
"#;

    #[test]
    fn positions_in_a_cfn_template() {
        let d = doc(TEMPLATE);
        let res = d.root.get("Resources").unwrap();
        let (key, fun) = &res.entries()[0];
        assert_eq!(key.text, "Fn");
        assert_eq!(lc(TEMPLATE, key.span.start), (4, 5));
        assert_eq!(&TEMPLATE[key.span.range()], "\"Fn\"");
        assert_eq!(lc(TEMPLATE, fun.span.start), (4, 11));

        let vpc = fun.get("Properties").unwrap().get("VpcConfig").unwrap();
        let (skey, subnets) = &vpc.entries()[0];
        assert_eq!(lc(TEMPLATE, skey.span.start), (9, 11));
        let items = subnets.items();
        assert_eq!(items.len(), 2);
        assert_eq!(lc(TEMPLATE, items[0].span.start), (9, 25));
        assert_eq!(&TEMPLATE[items[0].span.range()], r#"{"Ref": "SubnetA"}"#);
        // The long-form Fn::GetAtt item, and the inner list entries.
        assert_eq!(lc(TEMPLATE, items[1].span.start), (9, 45));
        assert_eq!(
            &TEMPLATE[items[1].span.range()],
            r#"{"Fn::GetAtt": ["Sub", "Id"]}"#
        );
        let getatt = items[1].get("Fn::GetAtt").unwrap();
        assert_eq!(scalar(&getatt.items()[1]), ("Id", true));
        assert_eq!(lc(TEMPLATE, getatt.items()[1].span.start), (9, 68));
    }

    #[test]
    fn scalars_keep_their_text_and_quoting() {
        let d = doc(r#"{"s": "a\nb", "n": 1.50e3, "t": true, "f": false, "z": null, "q": "true"}"#);
        let got = scalar_entries(&d.root);
        assert_eq!(
            got,
            [
                ("s", ("a\nb", true)),
                ("n", ("1.50e3", false)),
                ("t", ("true", false)),
                ("f", ("false", false)),
                ("z", ("null", false)),
                ("q", ("true", true)),
            ]
        );
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = "{\"A\": 1,\n \"A\": 2}";
        let d = doc(text);
        let e = d.root.entries();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].0.text.as_str(), scalar(&e[0].1).0), ("A", "1"));
        assert_eq!((e[1].0.text.as_str(), scalar(&e[1].1).0), ("A", "2"));
        assert_eq!(lc(text, e[1].0.span.start), (2, 2));
    }

    #[test]
    fn non_json_is_rejected_at_its_position() {
        let cases: [(&str, &str, (u32, u32)); 5] = [
            ("{\n  \"a\": 1,\n}", "Trailing commas", (2, 9)),
            ("{\n  // no\n  \"a\": 1\n}", "Comments", (2, 3)),
            ("{\"a\": \"open", "Unterminated string", (1, 7)),
            ("{a: 1}", "Expected string", (1, 2)),
            ("{\"a\": 1} {}", "more than one JSON value", (1, 10)),
        ];
        for (text, want, at) in cases {
            let e = err(text);
            assert!(e.message.contains(want), "{text:?}: {}", e.message);
            assert_eq!(lc(text, e.span.start), at, "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn depth_over_the_limit_is_a_clean_error() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        assert!(parse(F, "[[[[1]]]]", &limits).is_ok());
        let e = parse(F, "[[[[{\"a\": 1}]]]]", &limits).unwrap_err();
        assert_eq!(e.message, "nesting too deep (more than 4 levels)");
        assert_eq!(e.span.range(), 4..5);
    }

    #[test]
    fn hostile_depth_in_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let arrays = "[".repeat(100_000) + &"]".repeat(100_000);
                let objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
                // Just under jsonc's own cap, with our cap raised to match: converted iteratively.
                let deep_ok = "[".repeat(500) + &"]".repeat(500);
                let high = Limits {
                    max_depth: 1000,
                    ..Limits::default()
                };
                (
                    parse(F, &arrays, &Limits::default()).map(|_| ()),
                    parse(F, &objects, &high).map(|_| ()),
                    parse(F, &deep_ok, &high).map(|_| ()),
                )
            })
            .unwrap();
        let (arrays, objects, deep_ok) = handle.join().expect("no stack overflow");
        let arrays = arrays.unwrap_err();
        assert!(
            arrays.message.contains("nesting too deep"),
            "{}",
            arrays.message
        );
        let objects = objects.unwrap_err();
        assert_eq!(objects.message, "nesting too deep (more than 512 levels)");
        assert!(deep_ok.is_ok());
    }

    #[test]
    fn node_limit() {
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(parse(F, "[1, 2]", &limits).is_ok());
        let e = parse(F, "[1, 2, 3]", &limits).unwrap_err();
        assert!(e.message.contains("too many values"), "{}", e.message);
        assert_eq!(e.span.range(), 7..8);
    }

    #[test]
    fn empty_input_and_bom() {
        let d = doc(" \n");
        assert_eq!(scalar(&d.root), ("", false));
        let text = "\u{FEFF}{\"a\": 1}";
        let d = doc(text);
        let (k, _) = &d.root.entries()[0];
        assert_eq!(&text[k.span.range()], "\"a\"");
    }
}
