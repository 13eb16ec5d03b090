//! Which logical ids a value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` references), found
//! without evaluating it: used to tell which resources leave the template through `Outputs`.

use crate::syntax::{Node, NodeKind};

/// Every logical id referenced anywhere inside `node`. Iterative: the parser already capped the
/// depth, but walking a hostile tree must not depend on the stack either.
pub(super) fn referenced_ids(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match (n.tag.as_ref().map(|(t, _)| t.as_str()), &n.kind) {
            (Some("!Ref"), NodeKind::Scalar { text, .. }) => out.push(text.clone()),
            (Some("!GetAtt"), NodeKind::Scalar { text, .. }) => {
                out.push(text.split('.').next().unwrap_or_default().to_string());
            }
            (Some("!Sub"), NodeKind::Scalar { text, .. }) => out.extend(sub_refs(text)),
            (_, NodeKind::Map(entries)) => {
                for (k, v) in entries {
                    match (k.text.as_str(), &v.kind) {
                        ("Ref", NodeKind::Scalar { text, .. }) => out.push(text.clone()),
                        ("Fn::GetAtt", NodeKind::Seq(items)) => {
                            if let Some(first) = items.first().and_then(Node::as_str) {
                                out.push(first.to_string());
                            }
                        }
                        ("Fn::GetAtt", NodeKind::Scalar { text, .. }) => {
                            out.push(text.split('.').next().unwrap_or_default().to_string());
                        }
                        ("Fn::Sub", NodeKind::Scalar { text, .. }) => out.extend(sub_refs(text)),
                        _ => stack.push(v),
                    }
                }
            }
            (_, NodeKind::Seq(items)) => {
                if n.tag.as_ref().is_some_and(|(t, _)| t == "!GetAtt") {
                    if let Some(first) = items.first().and_then(Node::as_str) {
                        out.push(first.to_string());
                    }
                }
                stack.extend(items.iter());
            }
            _ => {}
        }
    }
    out
}

/// `${Name}` and `${Name.Attr}` inside a `Fn::Sub` string (not `${!Literal}`).
fn sub_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let inner = &rest[..end];
        if !inner.starts_with('!') {
            out.push(inner.split('.').next().unwrap_or_default().to_string());
        }
        rest = &rest[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::{yaml, Limits};

    #[test]
    fn finds_every_reference_form() {
        let doc = yaml::parse(
            FileId(0),
            "A: !Ref RoleA\nB: !GetAtt RoleB.Arn\nC: !Sub '${RoleC.Arn}/${!Literal}'\nD: {Ref: RoleD}\nE: {'Fn::GetAtt': [RoleE, Arn]}\nF: [!Join ['', [!Ref RoleF]]]\n",
            &Limits::default(),
        )
        .unwrap();
        let mut ids = referenced_ids(&doc.root);
        ids.sort();
        assert_eq!(ids, ["RoleA", "RoleB", "RoleC", "RoleD", "RoleE", "RoleF"]);
    }
}
