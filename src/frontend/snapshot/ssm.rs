//! SSM parameters from the snapshot (`aws ssm get-parameters(-by-path)`): a value the front
//! ends could not know because it is read from Parameter Store at deployment — CloudFormation's
//! `{{resolve:ssm:NAME}}` / `{{resolve:ssm:NAME:VERSION}}` and parameters of type
//! `AWS::SSM::Parameter::Value<…>` — becomes the literal ids it holds, which `link` then
//! resolves like any other. A `StringList` is split on commas, as CloudFormation splits it.
//! `SecureString` values are never read (CloudFormation refuses them here too).

use super::Snapshot;
use crate::model::*;
use crate::source::{SourceMap, Span};

/// The SSM parameter an unknown stands for (built with [`Reason::ssm`] by the front end that
/// met `{{resolve:ssm:NAME[:VERSION]}}` or an SSM-typed parameter), with its version if given.
pub(super) fn reference(reason: &Reason) -> Option<(&str, Option<&str>)> {
    match reason.lookup()? {
        Lookup::Ssm { name, version } => Some((name, version.as_deref())),
        Lookup::Id(_) | Lookup::ManagedPrefixList(_) => None,
    }
}

/// The values of the parameter a reason names, as literal-id unknowns (see
/// [`crate::lower::value::literal_of`]); `Err`: why they stay unknown. `None`: not an SSM
/// reason.
fn values(
    reason: &Reason,
    snap: &Snapshot,
    sources: &SourceMap,
) -> Option<Result<Vec<Reason>, Reason>> {
    let (name, version) = reference(reason)?;
    let Some(p) = snap.parameter(name) else {
        let files = snap
            .files_of_parameters()
            .iter()
            .map(|f| sources.get(*f).display.as_str())
            .collect::<Vec<_>>();
        let why = if files.is_empty() {
            "no file of `aws ssm get-parameters-by-path` output".to_string()
        } else {
            files.join(", ")
        };
        return Some(Err(Reason::new(format!(
            "SSM parameter `{name}` is not in the snapshot ({why})"
        ))));
    };
    if let (Some(want), Some(have)) = (version, p.version.as_deref()) {
        if want != have {
            return Some(Err(Reason::new(format!(
                "version {want} of SSM parameter `{name}` is not the snapshot's ({have})"
            ))));
        }
    }
    let Some(values) = p.values() else {
        return Some(Err(Reason::new(format!(
            "SSM parameter `{name}` is a {}: its value is never read",
            if p.kind.is_empty() {
                "parameter without a value"
            } else {
                &p.kind
            }
        ))));
    };
    Some(Ok(values
        .into_iter()
        .map(|v| {
            let id = v.trim();
            Reason::literal(id, format!("literal id `{id}` from SSM parameter `{name}`"))
        })
        .collect()))
}

/// Replaces the SSM unknowns of the places that take ids (a function's or capacity provider's
/// subnets and security groups, a function's role) by the parameter's values.
pub(super) fn expand(model: &mut Model, snap: &Snapshot, sources: &SourceMap) {
    for f in &mut model.functions {
        if let Some(vc) = &mut f.vpc_config {
            list(&mut vc.subnets, snap, sources);
            list(&mut vc.security_groups, snap, sources);
        }
        one(&mut f.role.value, snap, sources);
    }
    for c in &mut model.capacity_providers {
        list(&mut c.subnets, snap, sources);
        list(&mut c.security_groups, snap, sources);
    }
}

fn items_of<T>(reasons: Vec<Reason>, span: Span) -> Vec<Item<T>> {
    reasons
        .into_iter()
        .map(|r| Item {
            value: Value::Unknown(r),
            span,
        })
        .collect()
}

fn list<T>(attr: &mut Attr<Vec<Item<T>>>, snap: &Snapshot, sources: &SourceMap) {
    match &mut attr.value {
        Value::Unknown(why) => match values(why, snap, sources) {
            Some(Ok(reasons)) => attr.value = Value::Known(items_of(reasons, attr.span)),
            Some(Err(why)) => attr.value = Value::Unknown(why),
            None => {}
        },
        Value::Known(items) => {
            let mut out = Vec::with_capacity(items.len());
            for it in std::mem::take(items) {
                let Value::Unknown(why) = &it.value else {
                    out.push(it);
                    continue;
                };
                match values(why, snap, sources) {
                    Some(Ok(reasons)) => out.extend(items_of(reasons, it.span)),
                    Some(Err(why)) => out.push(Item {
                        value: Value::Unknown(why),
                        span: it.span,
                    }),
                    None => out.push(it),
                }
            }
            *items = out;
        }
    }
}

fn one<T>(v: &mut Value<T>, snap: &Snapshot, sources: &SourceMap) {
    let Value::Unknown(why) = v else { return };
    match values(why, snap, sources) {
        Some(Ok(mut reasons)) if reasons.len() == 1 => *v = Value::Unknown(reasons.remove(0)),
        Some(Ok(_)) => *v = Value::unknown("an SSM StringList where one value is expected"),
        Some(Err(why)) => *v = Value::Unknown(why),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_with_and_without_version() {
        let r = Reason::ssm("/net/subnets", Some("3"), "read at deployment");
        assert_eq!(reference(&r), Some(("/net/subnets", Some("3"))));
        let r = Reason::ssm("/net/x", None, "read at deployment");
        assert_eq!(reference(&r), Some(("/net/x", None)));
        // The words are never read back: only what the front end recorded counts.
        assert_eq!(reference(&Reason::new("({{resolve:ssm:/net/x}})")), None);
        assert_eq!(reference(&Reason::literal("subnet-1", "literal")), None);
    }
}
