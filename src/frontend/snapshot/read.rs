//! Reading snapshot files into the [`Snapshot`] index: JSON with spans (the templates' JSON
//! parser, with its depth and node limits), recognised by top-level key, each object checked
//! for its id; every problem is an input diagnostic located in the file.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{scalar, AttributeValue, Kind, Parameter, Resource, Snapshot, VpcAttribute};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, Limits, Node, NodeKind, SyntaxErrorKind};

/// The CLI call whose output holds a top-level key, for messages.
pub(super) fn call_of(key: &str) -> &'static str {
    match key {
        "Vpcs" => "aws ec2 describe-vpcs",
        "Subnets" => "aws ec2 describe-subnets",
        "RouteTables" => "aws ec2 describe-route-tables",
        "NatGateways" => "aws ec2 describe-nat-gateways",
        "InternetGateways" => "aws ec2 describe-internet-gateways",
        "EgressOnlyInternetGateways" => "aws ec2 describe-egress-only-internet-gateways",
        "VpcEndpoints" => "aws ec2 describe-vpc-endpoints",
        "SecurityGroups" => "aws ec2 describe-security-groups",
        "SecurityGroupRules" => "aws ec2 describe-security-group-rules",
        "PrefixLists" => "aws ec2 describe-managed-prefix-lists",
        "RoleDetailList" | "Policies" => "aws iam get-account-authorization-details",
        "Parameters" => "aws ssm get-parameters-by-path",
        "EnableDnsSupport" | "EnableDnsHostnames" | "EnableNetworkAddressUsageMetrics" => {
            "aws ec2 describe-vpc-attribute"
        }
        _ => "an AWS CLI call",
    }
}

/// Every top-level key the snapshot reads.
const KEYS: [&str; 13] = [
    "Vpcs",
    "Subnets",
    "RouteTables",
    "NatGateways",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "SecurityGroupRules",
    "PrefixLists",
    "RoleDetailList",
    "Policies",
    "Parameters",
];

/// Indexes the snapshot files (`files`, in path order; already in `sources`). Problems become
/// LVL900 (not JSON) or LVL901 (not a snapshot, a field of the wrong type) in `diagnostics`.
pub fn build(
    sources: &SourceMap,
    files: &[FileId],
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Snapshot {
    // Parsed in parallel (the largest files of a run may be these), indexed in path order.
    let parsed: Vec<_> = files
        .par_iter()
        .map(|&file| {
            (
                file,
                syntax::json::parse(file, &sources.get(file).text, limits),
            )
        })
        .collect();
    let mut snap = Snapshot::default();
    for (file, doc) in parsed {
        let src = sources.get(file);
        let mut report = Reporter {
            display: &src.display,
            out: diagnostics,
        };
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => {
                let code = match e.kind {
                    SyntaxErrorKind::Invalid => codes::PARSE_ERROR,
                    SyntaxErrorKind::Unsupported => codes::UNSUPPORTED_INPUT,
                };
                report.push(code, e.span, format!("AWS snapshot file: {}", e.message));
                continue;
            }
        };
        if snap.add(file, doc.root, &mut report) {
            snap.files.push(file);
        }
    }
    snap.link_tables();
    snap
}

struct Reporter<'a> {
    display: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl Reporter<'_> {
    fn push(&mut self, code: (&'static str, &'static str), span: Span, message: String) {
        self.out
            .push(Diagnostic::input(code, span, self.display, message));
    }

    fn unsupported(&mut self, span: Span, message: String) {
        self.push(codes::UNSUPPORTED_INPUT, span, message);
    }
}

fn type_name(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Scalar { quoted: true, .. } => "a string",
        NodeKind::Scalar { text, .. } if text == "null" => "null",
        NodeKind::Scalar { .. } => "a number or boolean",
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "an object",
    }
}

impl Snapshot {
    /// The lookups between objects: route table associations and endpoints by VPC. A subnet
    /// listed by two tables keeps the first (sorted by table id).
    fn link_tables(&mut self) {
        let empty = BTreeMap::new();
        let by_kind = &self.by_kind;
        let all = |k: Kind| by_kind.get(&k).unwrap_or(&empty).values();
        for t in all(Kind::RouteTable) {
            let vpc = t.str("VpcId");
            for a in t.field("Associations").map_or(&[][..], Node::items) {
                if let Some(s) = a.get("SubnetId").and_then(scalar) {
                    self.subnet_tables
                        .entry(s.to_string())
                        .or_insert_with(|| t.id.clone());
                }
                if let (Some("true"), Some(v)) = (a.get("Main").and_then(scalar), vpc) {
                    self.main_tables
                        .entry(v.to_string())
                        .or_insert_with(|| t.id.clone());
                }
            }
        }
        for e in all(Kind::VpcEndpoint) {
            if let Some(v) = e.str("VpcId") {
                self.vpc_endpoints
                    .entry(v.to_string())
                    .or_default()
                    .push(e.id.clone());
            }
        }
    }

    /// Adds one file's objects; `false` when the file holds none of the snapshot's keys. The
    /// file is one CLI output (an object), or a list of them as `jq -s` writes them: each
    /// entry is read as if it were a file of its own (a list inside is not followed).
    fn add(&mut self, file: FileId, root: Node, report: &mut Reporter<'_>) -> bool {
        match root.kind {
            NodeKind::Seq(items) if !items.is_empty() => {
                let mut recognised = false;
                for item in items {
                    let what = "an entry of this list";
                    recognised |= self.add_output(file, item, what, report);
                }
                recognised
            }
            _ => self.add_output(file, root, "this file", report),
        }
    }

    /// Adds one CLI output (`what`: "this file", or the entry of a list); `false` when it
    /// holds none of the snapshot's keys.
    fn add_output(
        &mut self,
        file: FileId,
        root: Node,
        what: &str,
        report: &mut Reporter<'_>,
    ) -> bool {
        let span = root.span;
        let NodeKind::Map(entries) = root.kind else {
            report.unsupported(
                span,
                format!(
                    "`{}` is not AWS CLI output: {what} is {} where a JSON object (or a list of \
                     them) is expected (--aws-snapshot)",
                    report.display,
                    match &root.kind {
                        NodeKind::Seq(items) if items.is_empty() => "an empty list",
                        _ => type_name(&root),
                    }
                ),
            );
            return false;
        };
        let mut recognised = self.add_vpc_attributes(file, span, &entries, report);
        for (key, value) in entries {
            if !KEYS.contains(&key.text.as_str()) {
                // `NextToken`, `UserDetailList`, `InvalidParameters`, …: not needed.
                continue;
            }
            recognised = true;
            if key.text == "Parameters" && self.parameter_files.last() != Some(&file) {
                self.parameter_files.push(file);
            }
            if let Some(kind) = Kind::ALL.into_iter().find(|k| k.keys().0 == key.text) {
                let files = self.present.entry(kind).or_default();
                if files.last() != Some(&file) {
                    files.push(file);
                }
            }
            let NodeKind::Seq(items) = value.kind else {
                report.unsupported(
                    value.span,
                    format!(
                        "`{}` is {}, not the list `{}` prints; it was not read",
                        key.text,
                        type_name(&value),
                        call_of(&key.text)
                    ),
                );
                continue;
            };
            for item in items {
                self.add_item(&key.text, item, report);
            }
        }
        if !recognised {
            let attributes: Vec<&str> = VpcAttribute::ALL.iter().map(|a| a.key()).collect();
            report.unsupported(
                span,
                format!(
                    "`{}` is not an AWS snapshot file: {what} has none of the top-level keys of \
                     the supported AWS CLI outputs ({}, or `VpcId` with {}) (--aws-snapshot)",
                    report.display,
                    KEYS.join(", "),
                    attributes.join(", ")
                ),
            );
        }
        recognised
    }

    /// The output of `aws ec2 describe-vpc-attribute`: `VpcId` and one attribute,
    /// `{"Value": true|false}`. `false` when the object names no attribute.
    fn add_vpc_attributes(
        &mut self,
        file: FileId,
        span: Span,
        entries: &[(syntax::Key, Node)],
        report: &mut Reporter<'_>,
    ) -> bool {
        let found: Vec<(VpcAttribute, &Node)> = entries
            .iter()
            .filter_map(|(k, v)| {
                let a = VpcAttribute::ALL.into_iter().find(|a| a.key() == k.text)?;
                Some((a, v))
            })
            .collect();
        if found.is_empty() {
            return false;
        }
        if self.vpc_attribute_files.last() != Some(&file) {
            self.vpc_attribute_files.push(file);
        }
        let vpc = entries
            .iter()
            .find(|(k, _)| k.text == "VpcId")
            .map(|e| &e.1);
        let vpc = match vpc {
            Some(
                n @ Node {
                    kind: NodeKind::Scalar { quoted: true, .. },
                    ..
                },
            ) if scalar(n).is_some_and(|s| !s.is_empty()) => scalar(n).unwrap_or_default(),
            Some(n) => {
                report.unsupported(
                    n.span,
                    format!(
                        "`VpcId` of `aws ec2 describe-vpc-attribute` output is {}, not an id; \
                         the attribute was not read",
                        type_name(n)
                    ),
                );
                return true;
            }
            None => {
                report.unsupported(
                    span,
                    "`aws ec2 describe-vpc-attribute` output without `VpcId`; the attribute \
                     was not read"
                        .to_string(),
                );
                return true;
            }
        };
        for (attribute, node) in found {
            let value = node.get("Value");
            let b = match value.map(|v| &v.kind) {
                Some(NodeKind::Scalar {
                    text,
                    quoted: false,
                }) if text == "true" || text == "false" => text == "true",
                _ => {
                    let (at, is) = match value {
                        Some(v) => (v.span, type_name(v)),
                        None if matches!(node.kind, NodeKind::Map(_)) => {
                            (node.span, "an object without `Value`")
                        }
                        None => (node.span, type_name(node)),
                    };
                    report.unsupported(
                        at,
                        format!(
                            "`{}` of `aws ec2 describe-vpc-attribute` output is {is}, not \
                             `{{\"Value\": true}}` or `{{\"Value\": false}}`; it was not read",
                            attribute.key()
                        ),
                    );
                    continue;
                }
            };
            let span = value.map_or(node.span, |v| v.span);
            // The first file (in path order) that gives an attribute wins.
            self.vpc_attributes
                .entry((vpc.to_string(), attribute))
                .or_insert(AttributeValue { value: b, span });
        }
        true
    }

    fn add_item(&mut self, key: &str, item: Node, report: &mut Reporter<'_>) {
        if !matches!(item.kind, NodeKind::Map(_)) {
            report.unsupported(
                item.span,
                format!(
                    "an entry of `{key}` is {}, not an object; it was not read",
                    type_name(&item)
                ),
            );
            return;
        }
        match key {
            "SecurityGroupRules" => {
                let Some(g) = id_field(&item, "GroupId", key, report) else {
                    return;
                };
                self.sg_rules.entry(g).or_default().push(item);
            }
            "Parameters" => {
                let Some(name) = id_field(&item, "Name", key, report) else {
                    return;
                };
                let kind = item.get("Type").and_then(scalar).unwrap_or("").to_string();
                // A SecureString's value (plain text with `--with-decryption`) is never read.
                let value = (kind != "SecureString")
                    .then(|| item.get("Value").and_then(scalar).map(str::to_string))
                    .flatten();
                self.parameters.entry(name.clone()).or_insert(Parameter {
                    name,
                    kind,
                    value,
                    version: item.get("Version").and_then(scalar).map(str::to_string),
                    span: item.span,
                });
            }
            _ => {
                let Some(kind) = Kind::ALL.into_iter().find(|k| k.keys().0 == key) else {
                    return;
                };
                let Some(id) = id_field(&item, kind.keys().1, key, report) else {
                    return;
                };
                if kind == Kind::Role {
                    if let Some(name) = item.get("RoleName").and_then(scalar) {
                        self.role_names
                            .entry(name.to_string())
                            .or_insert_with(|| id.clone());
                    }
                }
                // The first file (in path order) that lists an id wins.
                self.by_kind
                    .entry(kind)
                    .or_default()
                    .entry(id.clone())
                    .or_insert(Resource {
                        kind,
                        id,
                        node: item,
                    });
            }
        }
    }
}

/// The id of an entry, or LVL901 at the entry.
fn id_field(item: &Node, field: &str, key: &str, report: &mut Reporter<'_>) -> Option<String> {
    match item.get(field) {
        Some(
            n @ Node {
                kind: NodeKind::Scalar { quoted: true, .. },
                ..
            },
        ) if scalar(n).is_some_and(|s| !s.is_empty()) => scalar(n).map(str::to_string),
        Some(n) => {
            report.unsupported(
                n.span,
                format!(
                    "`{field}` of an entry of `{key}` is {}, not an id; the entry was not read",
                    type_name(n)
                ),
            );
            None
        }
        None => {
            report.unsupported(
                item.span,
                format!("an entry of `{key}` has no `{field}`; it was not read"),
            );
            None
        }
    }
}
