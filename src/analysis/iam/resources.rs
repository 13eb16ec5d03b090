//! Where an allowed action applies: whether the `Resource` entries of the statements that allow
//! it can include what Lambda needs. An entry whose text is partly unknown is read with its
//! unknown parts as `*`, which over-approximates every value it could take: "cannot cover" is
//! then a proof, "may cover" is not.

use super::wildcard::{action_matches, matches_shape};
use super::{statement_matches, EffStatement, RolePermissions};
use crate::model::{Effect, Pattern, ResourceSet, Value};

/// Any network interface of any account, region and partition.
pub const NETWORK_INTERFACE_ARN: &str = "arn:*:ec2:*:*:network-interface/*";

/// Could the entry match the resource `"*"`, the only one an action without resource-level
/// permissions (such as `ec2:DescribeNetworkInterfaces`) is authorized against?
pub fn may_be_star(v: &Value<Pattern>) -> bool {
    match v {
        Value::Unknown(_) => true,
        Value::Known(p) => action_matches(&p.text, "*"),
    }
}

/// Could the entry cover network interfaces that Lambda creates later, whose ids nobody knows
/// when the policy is written? A fully literal entry names one resource, so it cannot.
pub fn may_cover_new_network_interfaces(v: &Value<Pattern>) -> bool {
    match v {
        Value::Unknown(_) => true,
        Value::Known(p) if p.exact && !p.text.contains(['*', '?']) => false,
        Value::Known(p) => matches_shape(&p.text, NETWORK_INTERFACE_ARN),
    }
}

/// Is the entry certainly `"*"` (every resource)?
pub fn is_star(v: &Value<Pattern>) -> bool {
    matches!(v, Value::Known(p) if p.exact && !p.text.is_empty() && p.text.chars().all(|c| c == '*'))
}

/// Does the statement certainly apply to every resource (a `Resource` list with `"*"`)?
pub fn covers_every_resource(st: &EffStatement) -> bool {
    match &st.resources {
        ResourceSet::Resource(Value::Known(items)) => items.iter().any(|i| is_star(&i.value)),
        _ => false,
    }
}

/// The statements that allow `action`, when every one of them is limited to resources none of
/// which `may_cover` accepts: then the action is granted, but never where Lambda needs it.
/// `None` when that is not proven (not granted at all, granted somewhere it may be needed, or
/// a statement or policy that cannot be read).
pub fn narrowly_granted<'a>(
    perms: &'a RolePermissions,
    action: &str,
    may_cover: fn(&Value<Pattern>) -> bool,
) -> Option<Vec<&'a EffStatement>> {
    if !perms.is_bounded() {
        return None;
    }
    // A possible Allow (attached to a role the unit cannot name) on resources that may cover
    // what Lambda needs would break the proof.
    let possibly_covers = perms.possible.iter().any(|st| {
        st.effect != Value::Known(Effect::Deny)
            && statement_matches(st, action) != Some(false)
            && match &st.resources {
                ResourceSet::Resource(Value::Known(items)) => {
                    items.iter().any(|i| may_cover(&i.value))
                }
                _ => true,
            }
    });
    if possibly_covers {
        return None;
    }
    let mut granting = Vec::new();
    for st in &perms.statements {
        let matched = statement_matches(st, action);
        match (&st.effect, matched) {
            (_, Some(false)) | (Value::Known(Effect::Deny), _) => {}
            (Value::Unknown(_), _) | (_, None) => return None,
            (Value::Known(Effect::Allow), Some(true)) => match &st.resources {
                ResourceSet::Resource(Value::Known(items)) => {
                    if items.iter().any(|i| may_cover(&i.value)) {
                        return None;
                    }
                    granting.push(st);
                }
                // NotResource, a list that could not be read, or none written: may cover.
                _ => return None,
            },
        }
    }
    (!granting.is_empty()).then_some(granting)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> Value<Pattern> {
        Value::Known(Pattern::exact(s))
    }

    fn partial(s: &str) -> Value<Pattern> {
        Value::Known(Pattern {
            text: s.into(),
            exact: false,
        })
    }

    #[test]
    fn star_or_not() {
        assert!(may_be_star(&exact("*")));
        assert!(may_be_star(&partial("*")));
        assert!(may_be_star(&Value::unknown("a parameter")));
        assert!(!may_be_star(&exact("arn:aws:ec2:*:*:*")));
        assert!(!may_be_star(&partial("arn:*:ec2:*:*:network-interface/*")));
        assert!(is_star(&exact("*")));
        assert!(!is_star(&partial("*")));
        assert!(!is_star(&exact("arn:*")));
        assert!(!is_star(&exact("")));
    }

    #[test]
    fn new_network_interfaces() {
        let may = may_cover_new_network_interfaces;
        assert!(may(&exact("*")));
        assert!(may(&exact("arn:aws:ec2:us-west-2:123456789012:*/*")));
        assert!(may(&exact("arn:aws:ec2:*:*:network-interface/*")));
        assert!(may(&partial("arn:*:ec2:*:*:network-interface/*")));
        assert!(may(&partial("arn:aws:ec2:eu-west-1:1:network-interface/*")));
        assert!(may(&Value::unknown("a variable")));
        assert!(!may(&exact(
            "arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-0abc"
        )));
        assert!(!may(&exact("arn:aws:ec2:*:*:subnet/*")));
        assert!(!may(&partial("arn:*:ec2:*:*:security-group/*")));
    }
}
