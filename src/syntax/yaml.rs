//! YAML → [`Node`] tree, for CloudFormation/SAM templates.
//!
//! granit-parser delivers events with byte spans; the tree is built here with an explicit frame
//! stack (no recursion), so a 100k-deep input costs a bounded error, not the thread's stack.
//! The builder enforces CloudFormation's dialect: one document, no anchors or aliases (which
//! also rules out billion-laughs expansion), scalar keys only. Tags are kept with their own
//! span, normalised to the short form (`!Ref`, `!GetAtt`, ...).

use std::borrow::Cow;
use std::ops::Range;

use granit_parser::{
    ErrorKind, Event, Marker, Parser, ScalarStyle, ScanError, StructureStyle, Tag,
};

use super::{Comment, Document, Key, Limits, Node, NodeKind, SyntaxError};
use crate::source::{FileId, Span};

const ANCHORS_UNSUPPORTED: &str = "YAML anchors and aliases are not supported by CloudFormation";

pub fn parse(file: FileId, text: &str, limits: &Limits) -> Result<Document, SyntaxError> {
    let mut patch = reindent::Patch::default();
    loop {
        let patched = patch.apply(text);
        let source = patched.as_deref().unwrap_or(text);
        match build(file, source, patch.shifts(), limits) {
            Ok(doc) => return Ok(doc),
            Err(Failure {
                error,
                quoted_indent: Some((after, at)),
            }) => {
                if !patch.widen(source, after, at) {
                    return Err(error);
                }
            }
            Err(Failure { error, .. }) => return Err(error),
        }
    }
}

/// A parse error; for an under-indented quoted-scalar line, also where the last event ended
/// and where the error is (in the parsed text), so the line can be re-indented.
struct Failure {
    error: SyntaxError,
    quoted_indent: Option<(usize, usize)>,
}

fn build(file: FileId, text: &str, shifts: &[usize], limits: &Limits) -> Result<Document, Failure> {
    // granit's own nesting caps sit just above ours: ours fires first with a precise position,
    // theirs bounds the scanner's look-ahead whatever `max_depth` is.
    let scanner_cap = limits.max_depth.saturating_add(1);
    let options = granit_parser::options! {
        emit_anchor_events: true,
        emit_unresolved_aliases: true,
        flow_nesting_limit: scanner_cap,
        block_nesting_limit: scanner_cap,
    };
    let mut builder = Builder {
        file,
        text,
        shifts,
        limits,
        stack: Vec::new(),
        root: None,
        comments: Vec::new(),
        documents: 0,
        nodes: 0,
        anchored: None,
        last_end: 0,
    };
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, span) = match item {
            Ok(ok) => ok,
            Err(e) => {
                let quoted_indent = matches!(e.kind(), ErrorKind::InvalidQuotedScalarIndent)
                    .then(|| (builder.last_end, builder.byte_of(e.marker())));
                return Err(Failure {
                    error: builder.scan_error(&e),
                    quoted_indent,
                });
            }
        };
        builder.last_end = builder.last_end.max(builder.range(&span).end);
        builder.event(event, &span).map_err(|error| Failure {
            error,
            quoted_indent: None,
        })?;
    }
    Ok(builder.finish())
}

/// An open sequence or mapping.
struct Frame {
    kind: FrameKind,
    tag: Option<(String, Span)>,
    start: usize,
    flow: bool,
    /// End of the last child: a block collection ends there (its end event sits at the next
    /// token, possibly lines later).
    last_end: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Key, Node)>,
        /// The key whose value comes next.
        key: Option<Key>,
    },
}

struct Builder<'t> {
    file: FileId,
    /// The text being parsed: the file's text, or a re-indented copy (see [`reindent`]).
    text: &'t str,
    /// Positions of re-indentation spaces in `text`, to map spans back to the file.
    shifts: &'t [usize],
    limits: &'t Limits,
    stack: Vec<Frame>,
    root: Option<Node>,
    comments: Vec<Comment>,
    documents: usize,
    nodes: usize,
    /// Span of a node that carried an anchor; its `Anchor` event (with the `&name` span) follows.
    anchored: Option<Span>,
    /// End of the furthest event so far (in `text`).
    last_end: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: &granit_parser::Span) -> Result<(), SyntaxError> {
        let range = self.range(span);
        if let Some(node_span) = self.anchored.take() {
            if !matches!(event, Event::Anchor(..)) {
                return Err(self.unsupported(format!("{ANCHORS_UNSUPPORTED} (anchor)"), node_span));
            }
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    let message =
                        "multiple YAML documents in one template; CloudFormation reads exactly one";
                    return Err(self.error(message.into(), self.span(range)));
                }
                Ok(())
            }
            Event::Comment(text, _) => {
                self.comments.push(Comment {
                    text: text.into_owned(),
                    span: self.span(range),
                });
                Ok(())
            }
            Event::Anchor(_, name) => Err(self.unsupported(
                format!("{ANCHORS_UNSUPPORTED} (anchor `&{name}`)"),
                self.span(range),
            )),
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                let written = span.slice(self.text).unwrap_or("*");
                Err(self.unsupported(
                    format!("{ANCHORS_UNSUPPORTED} (alias `{written}`)"),
                    self.span(range),
                ))
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.note_anchor(anchor, &range);
                let text = if style == ScalarStyle::Plain && range.is_empty() {
                    // An empty value (`Key:` with nothing after it); granit spells it `~`.
                    String::new()
                } else {
                    value.into_owned()
                };
                let node = Node {
                    kind: NodeKind::Scalar {
                        text,
                        quoted: style != ScalarStyle::Plain,
                    },
                    tag: self.tag(tag, span),
                    span: self.span(range.clone()),
                };
                self.count(&node.span)?;
                self.attach(node, range.end)
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.note_anchor(anchor, &range);
                self.open(FrameKind::Seq(Vec::new()), style, tag, span, range)
            }
            Event::MappingStart(style, anchor, tag) => {
                self.note_anchor(anchor, &range);
                let kind = FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                };
                self.open(kind, style, tag, span, range)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range),
            // `Event` is non-exhaustive; events added later are presentation metadata.
            _ => Ok(()),
        }
    }

    fn note_anchor(&mut self, anchor: usize, range: &Range<usize>) {
        if anchor != 0 {
            self.anchored = Some(self.span(range.clone()));
        }
    }

    fn open(
        &mut self,
        kind: FrameKind,
        style: StructureStyle,
        tag: Option<Cow<'_, Tag>>,
        span: &granit_parser::Span,
        range: Range<usize>,
    ) -> Result<(), SyntaxError> {
        let at = self.point(range.start);
        if self.wants_key() {
            return Err(self.unsupported(
                "complex mapping key (a list or map used as a key) is not supported".into(),
                at,
            ));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.unsupported(too_deep(self.limits.max_depth), at));
        }
        self.count(&at)?;
        let tag = self.tag(tag, span);
        self.stack.push(Frame {
            kind,
            tag,
            start: range.start,
            flow: style == StructureStyle::Flow,
            last_end: range.end,
        });
        Ok(())
    }

    fn close(&mut self, end: Range<usize>) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let stop = if frame.flow { end.end } else { frame.last_end };
        let stop = stop.max(frame.start);
        let span = self.span(frame.start..stop);
        let kind = match frame.kind {
            FrameKind::Seq(items) => NodeKind::Seq(items),
            FrameKind::Map { entries, .. } => NodeKind::Map(entries),
        };
        self.attach(
            Node {
                kind,
                tag: frame.tag,
                span,
            },
            stop,
        )
    }

    /// Whether the innermost open collection is a mapping waiting for a key.
    fn wants_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: None, .. },
                ..
            })
        )
    }

    /// Adds a finished node to the innermost open collection (or makes it the root).
    fn attach(&mut self, node: Node, node_end: usize) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.last_end = frame.last_end.max(node_end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key } => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    *key = Some(
                        self_key(node)
                            .map_err(|(message, span)| SyntaxError::unsupported(message, span))?,
                    )
                }
            },
        }
        Ok(())
    }

    fn count(&mut self, at: &Span) -> Result<(), SyntaxError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.unsupported(
                format!("too many YAML nodes (more than {})", self.limits.max_nodes),
                *at,
            ));
        }
        Ok(())
    }

    fn tag(&self, tag: Option<Cow<'_, Tag>>, span: &granit_parser::Span) -> Option<(String, Span)> {
        let tag = tag?;
        let at = match span.tag_span().and_then(|t| t.byte_range()) {
            Some(r) => r,
            None => {
                let start = span.tag_start().map_or(0, |m| self.byte_of(&m));
                start..start
            }
        };
        Some((short_form(&tag), self.span(at)))
    }

    fn finish(self) -> Document {
        let root = self.root.unwrap_or(Node {
            kind: NodeKind::Scalar {
                text: String::new(),
                quoted: false,
            },
            tag: None,
            span: Span::new(self.file, 0..0),
        });
        Document {
            root,
            comments: self.comments,
        }
    }

    fn scan_error(&self, e: &ScanError) -> SyntaxError {
        let mut at = self.byte_of(e.marker());
        if matches!(
            e.kind(),
            ErrorKind::TabInBlockIndentation | ErrorKind::TabInIndentation
        ) {
            // granit marks the character after the indentation; point at the first tab in it.
            let before = self.text.get(..at).unwrap_or("");
            let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
            if let Some(tab) = before[line_start..].find('\t') {
                at = line_start + tab;
            }
        }
        let message = match e.kind() {
            // Valid YAML past a safety limit: LVL901 like the tree builder's own depth cap.
            ErrorKind::RecursionLimitExceeded => {
                return self.unsupported(too_deep(self.limits.max_depth), self.point(at));
            }
            _ => {
                let info = e.info();
                if (info.contains("expected") || info.contains("did not find"))
                    && !info.contains("found ")
                {
                    format!(
                        "{info}, found {}",
                        describe(self.text.get(at..).unwrap_or(""))
                    )
                } else {
                    info
                }
            }
        };
        self.error(message, self.point(at))
    }

    /// The span of the character at `at` (empty at the end of the text).
    fn point(&self, at: usize) -> Span {
        let width = self
            .text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        self.span(at..at + width)
    }

    fn range(&self, span: &granit_parser::Span) -> Range<usize> {
        match span.byte_range() {
            Some(r) => r,
            None => self.byte_of(&span.start)..self.byte_of(&span.end),
        }
    }

    /// Byte offset of a marker; string input always has one, the char index is the fallback.
    fn byte_of(&self, m: &Marker) -> usize {
        m.byte_offset().unwrap_or_else(|| {
            self.text
                .char_indices()
                .nth(m.index())
                .map_or(self.text.len(), |(i, _)| i)
        })
    }

    /// A span in the file for a range in the parsed text.
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, self.orig(range.start)..self.orig(range.end))
    }

    /// The file offset of an offset in the parsed text.
    fn orig(&self, at: usize) -> usize {
        at - self.shifts.partition_point(|&s| s < at)
    }

    fn error(&self, message: String, span: Span) -> SyntaxError {
        SyntaxError::invalid(message, span)
    }

    fn unsupported(&self, message: String, span: Span) -> SyntaxError {
        SyntaxError::unsupported(message, span)
    }
}

/// PyYAML compatibility for quoted scalars. YAML 1.2 requires the continuation lines of a quoted
/// scalar in block context to be indented more than the enclosing block; PyYAML (so cfn-lint)
/// and CloudFormation do not check this, and real templates rely on it (an IAM policy written
/// as a multi-line `!Sub '{ ... }'` whose closing `}` sits at or left of the key's column).
/// granit rejects it, so such a scalar is re-parsed with its continuation lines indented past
/// the opening quote's column: folding drops leading blanks, so the value is unchanged, and
/// spans are mapped back to the file.
mod reindent {
    /// Bounds the re-parses (each fixes one scalar) on hostile input.
    const MAX_ROUNDS: usize = 64;

    #[derive(Default)]
    pub(super) struct Patch {
        /// File offsets of line starts, sorted, with the number of spaces inserted there.
        at: Vec<(usize, usize)>,
        /// Positions of the inserted spaces in the patched text, sorted.
        shifts: Vec<usize>,
        rounds: usize,
    }

    impl Patch {
        /// The patched text, if anything is patched.
        pub(super) fn apply(&self, text: &str) -> Option<String> {
            if self.at.is_empty() {
                return None;
            }
            let mut out = String::with_capacity(text.len() + self.shifts.len());
            let mut from = 0;
            for &(at, count) in &self.at {
                out.push_str(text.get(from..at)?);
                out.extend(std::iter::repeat_n(' ', count));
                from = at;
            }
            out.push_str(text.get(from..)?);
            Some(out)
        }

        pub(super) fn shifts(&self) -> &[usize] {
            &self.shifts
        }

        /// Re-indents the quoted scalar that failed at `error_at` in `source` (the text last
        /// parsed), which opens after `after` (the end of the last event). False when there is
        /// nothing (more) to fix, and the error stands.
        pub(super) fn widen(&mut self, source: &str, after: usize, error_at: usize) -> bool {
            self.rounds += 1;
            if self.rounds > MAX_ROUNDS {
                return false;
            }
            let Some((lines, pad)) = continuation_lines(source, after, error_at) else {
                return false;
            };
            let before = self.at.len();
            for line in lines {
                let file_at = line - self.shifts.partition_point(|&s| s < line);
                if let Err(i) = self.at.binary_search_by_key(&file_at, |&(at, _)| at) {
                    self.at.insert(i, (file_at, pad));
                }
            }
            if self.at.len() == before {
                return false;
            }
            let mut total = 0;
            self.shifts.clear();
            for &(at, count) in &self.at {
                self.shifts.extend((0..count).map(|k| at + total + k));
                total += count;
            }
            true
        }
    }

    /// For the quoted scalar that opens after `after` and contains `error_at`: the starts of its
    /// lines after the first, through the closing quote, and the indentation that puts them
    /// past the opening quote (so past every enclosing block).
    fn continuation_lines(
        source: &str,
        after: usize,
        error_at: usize,
    ) -> Option<(Vec<usize>, usize)> {
        let bytes = source.as_bytes();
        let open = after + source.get(after..error_at)?.find(['\'', '"'])?;
        let quote = *bytes.get(open)?;
        let mut i = open + 1;
        let close = loop {
            match bytes.get(i) {
                None => break bytes.len(),
                Some(b'\'') if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                Some(b'\\') if quote == b'"' => i += 2,
                Some(&b) if b == quote => break i,
                Some(_) => i += 1,
            }
        };
        if !(open..=close).contains(&error_at) {
            return None;
        }
        let head = source.get(..open)?;
        let line_start = head.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let pad = head.get(line_start..)?.chars().count() + 1;
        let mut lines = Vec::new();
        for (i, &b) in bytes.get(open..close)?.iter().enumerate() {
            let i = open + i;
            let is_break = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if is_break {
                // A document marker inside a quoted scalar stays an error (as in PyYAML).
                let line = source.get(i + 1..).unwrap_or("");
                let marker = line.starts_with("---") || line.starts_with("...");
                if marker
                    && line
                        .get(3..)
                        .and_then(|r| r.chars().next())
                        .is_none_or(char::is_whitespace)
                {
                    return None;
                }
                lines.push(i + 1);
            }
        }
        Some((lines, pad))
    }
}

/// A mapping key must be an untagged scalar.
fn self_key(node: Node) -> Result<Key, (String, Span)> {
    if let Some((tag, at)) = node.tag {
        return Err((format!("tag `{tag}` on a mapping key is not supported"), at));
    }
    match node.kind {
        NodeKind::Scalar { text, .. } => Ok(Key {
            text,
            span: node.span,
        }),
        // Collections are refused when they open in key position.
        _ => Err((
            "complex mapping key (a list or map used as a key) is not supported".into(),
            node.span,
        )),
    }
}

/// The tag as CloudFormation users write it: a local tag `!Ref` stays `!Ref` (also when written
/// verbatim `!<!Ref>` or remapped by `%TAG`), standard tags keep their spelling (`!!str`).
fn short_form(tag: &Tag) -> String {
    let (handle, suffix) = tag.parts();
    if handle == "!" {
        return format!("!{suffix}");
    }
    if handle.is_empty() && suffix.len() > 1 && suffix.starts_with('!') {
        return suffix.to_string();
    }
    tag.original()
}

fn too_deep(max: usize) -> String {
    format!("nesting too deep (more than {max} levels)")
}

/// What the scanner stopped at, for "expected X, found Y" messages.
fn describe(rest: &str) -> String {
    match rest.chars().next() {
        None => "end of file".into(),
        Some('\t') => "a tab".into(),
        Some('\n' | '\r') => "end of line".into(),
        Some(' ') => "a space".into(),
        Some(c) => format!("`{c}`"),
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

    fn tag(node: &Node) -> &str {
        node.tag.as_ref().map_or("", |(t, _)| t)
    }

    const TEMPLATE: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt FnRole.Arn   # lvl:ignore LVL003
      VpcConfig:
        SecurityGroupIds: [!Ref Sg]
        SubnetIds:
          - !Ref SubnetA
          - !If [Cond, !Ref SubnetB, !Ref AWS::NoValue]
";

    #[test]
    fn positions_in_a_cfn_template() {
        let t = TEMPLATE;
        let d = doc(t);
        let (key, _) = &d.root.entries()[1];
        assert_eq!(
            (key.text.as_str(), lc(t, key.span.start)),
            ("Resources", (2, 1))
        );
        let props = d
            .root
            .get("Resources")
            .unwrap()
            .get("Fn")
            .unwrap()
            .get("Properties")
            .unwrap();

        let role = props.get("Role").unwrap();
        assert_eq!(
            (tag(role), scalar(role)),
            ("!GetAtt", ("FnRole.Arn", false))
        );
        let (_, tag_span) = role.tag.as_ref().unwrap();
        assert_eq!(lc(t, tag_span.start), (6, 13));
        assert_eq!(&t[tag_span.range()], "!GetAtt");
        assert_eq!(lc(t, role.span.start), (6, 21));
        assert_eq!(&t[role.span.range()], "FnRole.Arn");

        let vpc = props.get("VpcConfig").unwrap();
        let sg = &vpc.get("SecurityGroupIds").unwrap().items()[0];
        assert_eq!((tag(sg), lc(t, sg.span.start)), ("!Ref", (8, 33)));

        let (skey, subnets) = &vpc.entries()[1];
        assert_eq!(
            (skey.text.as_str(), lc(t, skey.span.start)),
            ("SubnetIds", (9, 9))
        );
        let items = subnets.items();
        let (ref_tag, ref_tag_span) = items[0].tag.as_ref().unwrap();
        assert_eq!(
            (ref_tag.as_str(), lc(t, ref_tag_span.start)),
            ("!Ref", (10, 13))
        );
        assert_eq!(
            (scalar(&items[0]), lc(t, items[0].span.start)),
            (("SubnetA", false), (10, 18))
        );
        assert_eq!(&t[items[0].span.range()], "SubnetA");
        // A tagged flow sequence: the tag and the value have their own spans.
        assert_eq!(
            (tag(&items[1]), lc(t, items[1].span.start)),
            ("!If", (11, 17))
        );
        assert_eq!(
            &t[items[1].span.range()],
            "[Cond, !Ref SubnetB, !Ref AWS::NoValue]"
        );
        // A block sequence ends at its last item, not at the next token.
        assert_eq!(t[subnets.span.range()].lines().count(), 2);
        assert_eq!(lc(t, subnets.span.start), (10, 11));

        assert_eq!(d.comments.len(), 1);
        assert_eq!(d.comments[0].text, " lvl:ignore LVL003");
        assert_eq!(&t[d.comments[0].span.range()], "# lvl:ignore LVL003");
    }

    #[test]
    fn scalar_styles_and_empty_values() {
        let t =
            "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\nf:\ng: ~\nh: true\n";
        let d = doc(t);
        let got = scalar_entries(&d.root);
        assert_eq!(
            got,
            [
                ("a", ("plain", false)),
                ("b", ("single", true)),
                ("c", ("double", true)),
                ("d", ("lit\n", true)),
                ("e", ("fold\n", true)),
                ("f", ("", false)),
                ("g", ("~", false)),
                ("h", ("true", false)),
            ]
        );
    }

    #[test]
    fn tags_are_normalised_to_the_short_form() {
        let t = "a: !Sub x\nb: !<!Ref> y\nc: !!str 1\nd: !Join [',', []]\ne: !GetAZs ''\n";
        let d = doc(t);
        let tags: Vec<&str> = d.root.entries().iter().map(|(_, v)| tag(v)).collect();
        assert_eq!(tags, ["!Sub", "!Ref", "!!str", "!Join", "!GetAZs"]);
        let (_, verbatim) = d.root.get("b").unwrap().tag.as_ref().unwrap();
        assert_eq!(&t[verbatim.range()], "!<!Ref>");
        let remapped = doc("%TAG ! tag:example.com,2000:\n---\na: !Ref x\n");
        assert_eq!(tag(remapped.root.get("a").unwrap()), "!Ref");
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let d = doc("A: 1\nA: 2\n");
        let keys: Vec<(&str, &str)> = d
            .root
            .entries()
            .iter()
            .map(|(k, v)| (k.text.as_str(), scalar(v).0))
            .collect();
        assert_eq!(keys, [("A", "1"), ("A", "2")]);
    }

    #[test]
    fn anchors_and_aliases_are_refused_at_their_position() {
        let t = "A: &x 1\nB: *x\n";
        let e = err(t);
        assert!(
            e.message.contains("anchor") && e.message.contains("&x"),
            "{}",
            e.message
        );
        assert_eq!(&t[e.span.range()], "&x");
        let t = "A: [1, *nowhere]\n";
        let e = err(t);
        assert!(e.message.contains("alias"), "{}", e.message);
        assert_eq!(&t[e.span.range()], "*nowhere");
        let t = "A: &m\n  k: v\n";
        assert_eq!(&t[err(t).span.range()], "&m");
    }

    #[test]
    fn billion_laughs_is_refused_at_once() {
        let mut t = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            t.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        assert!(t.len() < 700, "{}", t.len());
        let started = std::time::Instant::now();
        let e = err(&t);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(e.message.contains("anchors and aliases"), "{}", e.message);
        assert_eq!(lc(&t, e.span.start), (1, 4));
    }

    #[test]
    fn one_document_only() {
        let t = "a: 1\n---\nb: 2\n";
        let e = err(t);
        assert!(e.message.contains("documents"), "{}", e.message);
        assert_eq!(lc(t, e.span.start), (2, 1));
        // An explicit start and end marker around one document is fine.
        assert_eq!(
            scalar(doc("---\na: 1\n...\n").root.get("a").unwrap()).0,
            "1"
        );
    }

    #[test]
    fn empty_inputs_give_an_empty_root() {
        for t in ["", "\n\n", "# only a comment\n", "---\n"] {
            let d = doc(t);
            assert_eq!(scalar(&d.root), ("", false), "{t:?}");
        }
        assert_eq!(doc("# c\n").comments[0].text, " c");
    }

    #[test]
    fn line_endings_keep_byte_spans() {
        for (t, y) in [
            ("a: 1\r\nb:\r\n  - x\r\n  - y\r\n", 21),
            ("a: 1\rb:\r  - x\r  - y\r", 18),
        ] {
            let d = doc(t);
            let items = d.root.get("b").unwrap().items();
            assert_eq!(items[1].span.range(), y..y + 1, "{t:?}");
            assert_eq!(scalar(d.root.get("a").unwrap()).0, "1");
        }
        let t = "a: 1\r\nb: 2\r\n";
        let d = doc(t);
        let (k, _) = &d.root.entries()[1];
        assert_eq!((k.span.start, lc(t, k.span.start)), (6, (2, 1)));
    }

    #[test]
    fn syntax_errors_have_positions_and_readable_messages() {
        let cases: [(&str, &str, (u32, u32)); 7] = [
            ("a:\n\tb: 1\n", "tab", (2, 1)),
            ("a: \"open", "unclosed quote", (1, 4)),
            // PyYAML-compatible: an under-indented line continues the scalar, which never ends.
            ("a: 'open\nb: 1\n", "unclosed quote", (1, 4)),
            ("a: \"x\n---\n\"\n", "quoted scalar", (2, 1)),
            ("a: [1, 2\nb: 1\n", "':'", (2, 2)),
            ("a: b: c\n", "not allowed", (1, 5)),
            ("a:\n  - x\n  y: 1\n", "found `y`", (3, 3)),
        ];
        for (t, want, at) in cases {
            let e = err(t);
            assert!(e.message.contains(want), "{t:?}: {}", e.message);
            assert_eq!(lc(t, e.span.start), at, "{t:?}: {}", e.message);
        }
    }

    #[test]
    fn keys_must_be_plain_scalars() {
        let t = "? [a, b]\n: c\n";
        let e = err(t);
        assert!(e.message.contains("complex mapping key"), "{}", e.message);
        assert_eq!(lc(t, e.span.start), (1, 3));
        let t = "{a: 1, {b: 2}: 3}";
        assert_eq!(lc(t, err(t).span.start), (1, 8));
        let t = "!Ref a: b\n";
        let e = err(t);
        assert!(e.message.contains("mapping key"), "{}", e.message);
        assert_eq!(&t[e.span.range()], "!Ref");
    }

    #[test]
    fn depth_limit() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(parse(F, "a:\n  b:\n    - 1\n", &limits).is_ok());
        let t = "a:\n  b:\n    - c: 1\n";
        let e = parse(F, t, &limits).unwrap_err();
        assert_eq!(e.message, "nesting too deep (more than 3 levels)");
        assert_eq!(lc(t, e.span.start), (3, 7));
        let e = parse(F, "[[[[1]]]]", &limits).unwrap_err();
        assert!(e.message.contains("nesting too deep"), "{}", e.message);
    }

    #[test]
    fn hostile_depth_in_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let n = 100_000;
                let inputs = [
                    "[".repeat(n) + &"]".repeat(n),
                    "- ".repeat(n) + "x\n",
                    "{a: ".repeat(n) + "1" + &"}".repeat(n),
                ];
                let started = std::time::Instant::now();
                let results: Vec<Result<(), SyntaxError>> = inputs
                    .iter()
                    .map(|t| parse(F, t, &Limits::default()).map(|_| ()))
                    .collect();
                (results, started.elapsed())
            })
            .unwrap();
        let (results, elapsed) = handle.join().expect("no stack overflow");
        for r in results {
            let e = r.unwrap_err();
            assert_eq!(e.message, "nesting too deep (more than 128 levels)");
            assert_eq!(e.kind, crate::syntax::SyntaxErrorKind::Unsupported, "{e:?}");
            assert!(e.span.start < 1000, "{e:?}");
        }
        assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn node_limit() {
        let limits = Limits {
            max_nodes: 5,
            ..Limits::default()
        };
        assert!(parse(F, "a: [1, 2]\n", &limits).is_ok());
        let e = parse(F, "a: [1, 2, 3]\n", &limits).unwrap_err();
        assert!(e.message.contains("too many YAML nodes"), "{}", e.message);
        assert_eq!(e.span.range(), 10..11);
    }

    #[test]
    fn a_leftover_bom_does_not_break_spans() {
        let t = "\u{FEFF}a: 1\n";
        let d = doc(t);
        let (k, v) = &d.root.entries()[0];
        assert_eq!((&t[k.span.range()], &t[v.span.range()]), ("a", "1"));
    }

    #[test]
    fn under_indented_quoted_lines_parse_like_pyyaml() {
        let t = "R:\n  - P: x\n    D: !Sub '{\n      \"a\": 1\n  }'\n    E: \"p\n    q\"\n  - z\n";
        let d = doc(t);
        let item = &d.root.get("R").unwrap().items()[0];
        let policy = item.get("D").unwrap();
        assert_eq!(
            (tag(policy), scalar(policy)),
            ("!Sub", ("{ \"a\": 1 }", true))
        );
        assert_eq!(&t[policy.span.range()], "'{\n      \"a\": 1\n  }'");
        let e = item.get("E").unwrap();
        assert_eq!(scalar(e).0, "p q");
        assert_eq!(&t[e.span.range()], "\"p\n    q\"");
        let z = &d.root.get("R").unwrap().items()[1];
        assert_eq!((&t[z.span.range()], lc(t, z.span.start)), ("z", (8, 5)));
        // CRLF line ends too.
        let crlf = t.replace('\n', "\r\n");
        let d = doc(&crlf);
        let z = &d.root.get("R").unwrap().items()[1];
        assert_eq!(&crlf[z.span.range()], "z");
    }
}
