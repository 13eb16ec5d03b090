//! Deny statements on the ENI actions, judged two ways:
//!
//! - against the Lambda service's own calls, which carry no `lambda:SourceFunctionArn` key
//!   (a Deny that holds for them blocks Lambda from managing the function's ENIs);
//! - against calls made by one function's code, which carry its ARN in that key (the Deny AWS
//!   recommends, so that the code cannot use the ENI permissions meant for the service).
//!
//! Every judgement is three-valued: a condition on another key, a value that cannot be read, or
//! a function ARN that cannot be compared with the function's deployed name (not known, or
//! the ARN's name segment not known) is unknown.

use super::condition::{is_key, Operator, SOURCE_FUNCTION_ARN};
use super::resources::covers_every_resource;
use super::wildcard::matches_shape;
use super::{statement_matches, EffStatement, RolePermissions};
use crate::model::{Condition, Effect, Function, FunctionId, Pattern, Value};

/// The actions in the Deny statement AWS documents for a VPC function's execution role: what
/// the code must not use (`data/lambda-eni-actions.json`; `ec2:DescribeSubnets` is not among
/// them).
pub fn code_deny_actions() -> impl Iterator<Item = &'static str> {
    crate::analysis::data::eni_actions()
        .code_deny_actions
        .actions
        .iter()
        .map(String::as_str)
}

/// Any Lambda function's ARN, unqualified or with a version or alias (in doubt, both).
const FUNCTION_ARNS: &[&str] = &[
    "arn:*:lambda:*:*:function:*",
    "arn:*:lambda:*:*:function:*:*",
];

/// A Deny that holds for the Lambda service's own calls.
#[derive(Debug)]
pub struct ServiceDeny<'a> {
    pub statement: &'a EffStatement,
    /// The actions it denies, from the list asked about.
    pub actions: Vec<&'static str>,
    /// Why it holds for the service, in user words.
    pub because: String,
}

/// The Deny statements that block the Lambda service from calling any of `actions`: they apply
/// to every resource (`"*"`) and have no condition, or only conditions on
/// `lambda:SourceFunctionArn` that IAM evaluates to true when that key is absent.
pub fn service_denies<'a>(
    perms: &'a RolePermissions,
    actions: &[&'static str],
) -> Vec<ServiceDeny<'a>> {
    let mut out = Vec::new();
    for st in &perms.statements {
        if st.effect != Value::Known(Effect::Deny) || !covers_every_resource(st) {
            continue;
        }
        let denied: Vec<&'static str> = actions
            .iter()
            .copied()
            .filter(|a| statement_matches(st, a) == Some(true))
            .collect();
        if denied.is_empty() {
            continue;
        }
        let because = match &st.condition {
            None => "it has no condition".to_string(),
            Some(Value::Unknown(_)) => continue,
            Some(Value::Known(entries)) if entries.is_empty() => {
                "its condition is empty".to_string()
            }
            Some(Value::Known(entries)) => {
                if !entries.iter().all(holds_without_source_function) {
                    continue;
                }
                let shown: Vec<String> = entries
                    .iter()
                    .map(|c| format!("`{} {}`", c.operator, c.key))
                    .collect();
                format!(
                    "its condition {} is true when the key is absent, as it is for the Lambda service's own calls",
                    shown.join(" and ")
                )
            }
        };
        out.push(ServiceDeny {
            statement: st,
            actions: denied,
            because,
        });
    }
    out
}

/// Is the entry a test of `lambda:SourceFunctionArn` that holds when the key is absent?
fn holds_without_source_function(c: &Condition) -> bool {
    if !is_key(&c.key, SOURCE_FUNCTION_ARN) {
        return false;
    }
    let op = Operator::parse(&c.operator);
    if op.is_null() {
        // `Null: true` holds exactly when the key is absent.
        return !c.values.is_empty()
            && c.values.iter().all(|v| {
                matches!(&v.value, Value::Known(p) if p.exact && p.text.eq_ignore_ascii_case("true"))
            });
    }
    op.when_key_absent() == Some(true)
}

/// Does a condition hold for calls made by one function's code?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForFunction {
    Yes,
    /// No: its `lambda:SourceFunctionArn` names only other functions.
    OtherFunction,
    Unknown,
}

/// The function whose code makes the calls: its id (matched by references) and its deployed
/// name, when known (matched by ARN text).
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub id: FunctionId,
    pub name: Option<&'a str>,
}

impl<'a> Caller<'a> {
    pub fn of(id: FunctionId, f: &'a Function) -> Self {
        Caller {
            id,
            name: f.deployed_name.known().map(String::as_str),
        }
    }

    /// A name that could end an ARN: Lambda's names have no `:`, `/` or wildcards, and one
    /// that has them is not compared.
    fn name(&self) -> Option<&'a str> {
        self.name
            .filter(|n| !n.is_empty() && !n.contains([':', '/', '*', '?', '$']))
    }
}

/// The statement's condition, for calls made by `function`'s code.
pub fn condition_for_function(st: &EffStatement, function: Caller<'_>) -> ForFunction {
    let entries = match &st.condition {
        None => return ForFunction::Yes,
        Some(Value::Unknown(_)) => return ForFunction::Unknown,
        Some(Value::Known(entries)) => entries,
    };
    let mut all_yes = true;
    for c in entries {
        match entry_for_function(c, function) {
            // The entries are ANDed: one that fails is enough.
            ForFunction::OtherFunction => return ForFunction::OtherFunction,
            ForFunction::Unknown => all_yes = false,
            ForFunction::Yes => {}
        }
    }
    if all_yes {
        ForFunction::Yes
    } else {
        ForFunction::Unknown
    }
}

fn entry_for_function(c: &Condition, function: Caller<'_>) -> ForFunction {
    if !is_key(&c.key, SOURCE_FUNCTION_ARN) {
        return ForFunction::Unknown;
    }
    let op = Operator::parse(&c.operator);
    // The key is single-valued and present for the code's calls: a set qualifier or IfExists
    // changes nothing for a positive match.
    if !op.is_positive_match() {
        return ForFunction::Unknown;
    }
    names_function(c, function)
}

/// Could this pattern (unknown parts as `*`) match some function's ARN?
pub fn could_be_function_arn(text: &str) -> bool {
    FUNCTION_ARNS.iter().any(|f| matches_shape(text, f))
}

/// What one value of a `lambda:SourceFunctionArn` entry says of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueNames {
    /// It matches the function's ARN wherever the function is deployed.
    This,
    /// It cannot match the function's ARN: no function's ARN at all, or one whose name
    /// segment differs from the function's deployed name.
    Other,
    Unknown,
}

/// Judges one value (unknown parts as `*`) against the function's deployed name.
pub fn value_names(p: &Pattern, operator: &str, function: Caller<'_>) -> ValueNames {
    if !could_be_function_arn(&p.text) {
        return ValueNames::Other;
    }
    let Some(name) = function.name() else {
        return ValueNames::Unknown;
    };
    // The function's own ARNs, unqualified or with a version or alias (in doubt, both).
    let own = [
        format!("arn:*:lambda:*:*:function:{name}"),
        format!("arn:*:lambda:*:*:function:{name}:*"),
    ];
    if !own.iter().any(|shape| matches_shape(&p.text, shape)) {
        return ValueNames::Other;
    }
    if p.exact && matches_anywhere(&p.text, operator, name) {
        ValueNames::This
    } else {
        ValueNames::Unknown
    }
}

/// Does the literal match the unqualified ARN of a function called `name` in any region and
/// account? Only with an operator that reads `*` as a wildcard, `*` in the region and account
/// segments, and the `aws` partition (or `*`): a literal region or account may be another
/// deployment's. ArnEquals and ArnLike are case-sensitive, as are function names.
fn matches_anywhere(text: &str, operator: &str, name: &str) -> bool {
    let op = Operator::parse(operator);
    if !["ArnEquals", "ArnLike", "StringLike"]
        .iter()
        .any(|o| op.base.eq_ignore_ascii_case(o))
    {
        return false;
    }
    let parts: Vec<&str> = text.split(':').collect();
    matches!(
        parts.as_slice(),
        ["arn", "aws" | "*", "lambda", "*", "*", "function", n] if *n == name
    )
}

/// Does some value of a `lambda:SourceFunctionArn` entry name `function`?
pub fn names_function(c: &Condition, function: Caller<'_>) -> ForFunction {
    if c.function_refs.contains(&function.id) {
        return ForFunction::Yes;
    }
    if c.values.is_empty() {
        return ForFunction::Unknown;
    }
    let mut unread = 0;
    let mut literal_unknown = false;
    for v in &c.values {
        match &v.value {
            Value::Known(p) => match value_names(p, &c.operator, function) {
                // The values are ORed: one that matches is enough.
                ValueNames::This => return ForFunction::Yes,
                ValueNames::Other => {}
                // A literal function ARN that cannot be compared may be this function's.
                ValueNames::Unknown if p.exact => literal_unknown = true,
                ValueNames::Unknown => unread += 1,
            },
            Value::Unknown(_) => unread += 1,
        }
    }
    // Values that are not literals are references; when there are no more of them than
    // references to other functions, each is one of those.
    if !literal_unknown && unread <= c.function_refs.len() {
        ForFunction::OtherFunction
    } else {
        ForFunction::Unknown
    }
}

/// The first statement that certainly lets the code call `action`: an Allow without condition
/// on every resource. An Allow scoped to resources (`"Action": "*"` on one table) proves
/// nothing about the ENI actions, so it does not count.
fn granting_statement<'a>(perms: &'a RolePermissions, action: &str) -> Option<&'a EffStatement> {
    perms.statements.iter().find(|st| {
        st.effect == Value::Known(Effect::Allow)
            && !st.conditional
            && covers_every_resource(st)
            && statement_matches(st, action) == Some(true)
    })
}

/// How well the role keeps one function's code from using the ENI permissions it grants.
#[derive(Debug)]
pub struct CodeProtection<'a> {
    /// The ENI actions the role grants without condition on every resource, with the statement
    /// that grants each.
    pub granted: Vec<(&'static str, &'a EffStatement)>,
    /// Granted actions a Deny stops for this function's code, with that Deny.
    pub protected: Vec<(&'static str, &'a EffStatement)>,
    /// Granted actions no Deny stops for this function's code.
    pub unprotected: Vec<&'static str>,
    /// Granted actions a Deny the linter cannot judge may stop (a condition on another key, a
    /// literal ARN, a Deny on part of the resources, a policy attached to a role the unit
    /// cannot name): neither protected nor unprotected. They do not hide the others.
    pub undecided: Vec<&'static str>,
    /// Deny statements on the unprotected actions whose `lambda:SourceFunctionArn` names only
    /// other functions.
    pub other_function: Vec<&'a EffStatement>,
}

/// Judges the role's Deny statements for `function`'s code, action by action; `None` when
/// nothing is granted or the role's policies are not all known. A Deny the linter cannot judge
/// (a condition on another key, a literal ARN, a Deny on part of the resources) makes only the
/// actions it may cover undecided.
pub fn code_protection<'a>(
    perms: &'a RolePermissions,
    function: Caller<'_>,
) -> Option<CodeProtection<'a>> {
    if !perms.is_bounded() {
        return None;
    }
    let granted: Vec<(&'static str, &EffStatement)> = code_deny_actions()
        .filter_map(|a| granting_statement(perms, a).map(|st| (a, st)))
        .collect();
    if granted.is_empty() {
        return None;
    }
    // A possible Deny (a policy attached to a role the unit cannot name) may protect a granted
    // action, so no verdict on it; a possible Allow adds nothing to what is proven granted.
    let mut undecided: Vec<&'static str> = granted
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| perms.possibly_denying(a).is_some())
        .collect();
    let mut protected: Vec<(&'static str, &EffStatement)> = Vec::new();
    let mut other: Vec<(&'static str, &EffStatement)> = Vec::new();
    for st in &perms.statements {
        // The statement's verdict for this function does not depend on the action: judged
        // once per statement (it formats and matches ARN shapes per condition value), the
        // first time a granted action needs it, rather than once per granted action.
        let mut for_function: Option<ForFunction> = None;
        for (action, _) in &granted {
            let matched = statement_matches(st, action);
            let judged = match (&st.effect, matched) {
                (_, Some(false)) | (Value::Known(Effect::Allow), _) => true,
                (Value::Unknown(_), _) | (_, None) => false,
                (Value::Known(Effect::Deny), Some(true)) => {
                    match *for_function.get_or_insert_with(|| condition_for_function(st, function))
                    {
                        ForFunction::Unknown => false,
                        ForFunction::OtherFunction => {
                            other.push((action, st));
                            true
                        }
                        ForFunction::Yes if covers_every_resource(st) => {
                            protected.push((action, st));
                            true
                        }
                        // Denied on some resources only: it may or may not be enough.
                        ForFunction::Yes => false,
                    }
                }
            };
            if !judged && !undecided.contains(action) {
                undecided.push(action);
            }
        }
    }
    // A protected action is protected whatever else may deny it.
    undecided.retain(|a| !protected.iter().any(|(p, _)| p == a));
    let unprotected: Vec<&'static str> = granted
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !protected.iter().any(|(p, _)| p == a) && !undecided.contains(a))
        .collect();
    let mut other_function: Vec<&EffStatement> = Vec::new();
    for (a, st) in other {
        if unprotected.contains(&a) && !other_function.iter().any(|s| std::ptr::eq(*s, st)) {
            other_function.push(st);
        }
    }
    let mut first: Vec<(&'static str, &EffStatement)> = Vec::new();
    for (a, st) in protected {
        if !first.iter().any(|(p, _)| *p == a) {
            first.push((a, st));
        }
    }
    Some(CodeProtection {
        granted,
        protected: first,
        unprotected,
        undecided,
        other_function,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, Pattern, ResourceSet, RoleId};
    use crate::source::{FileId, Span};

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    fn pattern(text: &str, exact: bool) -> Item<Pattern> {
        Item {
            value: Value::Known(Pattern {
                text: text.into(),
                exact,
            }),
            span: span(),
        }
    }

    fn cond(op: &str, key: &str, values: Vec<Item<Pattern>>, refs: &[u32]) -> Condition {
        Condition {
            span: span(),
            operator: op.into(),
            key: key.into(),
            values,
            function_refs: refs.iter().map(|i| FunctionId(*i)).collect(),
        }
    }

    fn st(
        effect: Effect,
        actions: &[&str],
        resource: &str,
        c: Option<Vec<Condition>>,
    ) -> EffStatement {
        EffStatement {
            effect: Value::Known(effect),
            not_action: false,
            actions: Value::Known(
                actions
                    .iter()
                    .map(|a| Value::Known(a.to_string()))
                    .collect(),
            ),
            conditional: c.is_some(),
            resources: ResourceSet::Resource(Value::Known(vec![pattern(resource, true)])),
            condition: c.map(Value::Known),
            policy: "p".into(),
            attached_at: span(),
            span: None,
            service_side: false,
        }
    }

    fn perms(statements: Vec<EffStatement>) -> RolePermissions {
        RolePermissions {
            role: RoleId(0),
            statements,
            incomplete: None,
            possible: Vec::new(),
            bounded: false,
        }
    }

    fn allow_eni() -> EffStatement {
        st(
            Effect::Allow,
            &["ec2:*NetworkInterface*", "ec2:*PrivateIpAddresses"],
            "*",
            None,
        )
    }

    fn code_deny(refs: &[u32], values: Vec<Item<Pattern>>) -> EffStatement {
        st(
            Effect::Deny,
            &code_deny_actions().collect::<Vec<_>>(),
            "*",
            Some(vec![cond(
                "ArnEquals",
                "lambda:SourceFunctionArn",
                values,
                refs,
            )]),
        )
    }

    #[test]
    fn service_is_blocked_by_an_unconditioned_deny_on_everything() {
        let p = perms(vec![allow_eni(), st(Effect::Deny, &["ec2:*"], "*", None)]);
        let d = service_denies(&p, &["ec2:CreateNetworkInterface", "ec2:DescribeSubnets"]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].actions.len(), 2);
        // Scoped to some resources, or conditioned on another key: not proven.
        let p = perms(vec![st(
            Effect::Deny,
            &["ec2:*"],
            "arn:aws:ec2:*:*:subnet/*",
            None,
        )]);
        assert!(service_denies(&p, &["ec2:CreateNetworkInterface"]).is_empty());
        let other = cond(
            "StringEquals",
            "aws:RequestedRegion",
            vec![pattern("us-east-1", true)],
            &[],
        );
        let p = perms(vec![st(Effect::Deny, &["ec2:*"], "*", Some(vec![other]))]);
        assert!(service_denies(&p, &["ec2:CreateNetworkInterface"]).is_empty());
    }

    #[test]
    fn source_function_conditions_and_the_service() {
        let with = |op: &str, v: &str| {
            let c = cond(op, "Lambda:SourceFunctionArn", vec![pattern(v, true)], &[]);
            perms(vec![st(
                Effect::Deny,
                &["ec2:CreateNetworkInterface"],
                "*",
                Some(vec![c]),
            )])
        };
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:app";
        assert!(
            service_denies(&with("ArnEquals", arn), &["ec2:CreateNetworkInterface"]).is_empty()
        );
        assert!(service_denies(&with("ArnLike", arn), &["ec2:CreateNetworkInterface"]).is_empty());
        assert_eq!(
            service_denies(&with("ArnNotEquals", arn), &["ec2:CreateNetworkInterface"]).len(),
            1
        );
        assert_eq!(
            service_denies(
                &with("ArnEqualsIfExists", arn),
                &["ec2:CreateNetworkInterface"]
            )
            .len(),
            1
        );
        assert_eq!(
            service_denies(&with("Null", "true"), &["ec2:CreateNetworkInterface"]).len(),
            1
        );
        assert!(service_denies(&with("Null", "false"), &["ec2:CreateNetworkInterface"]).is_empty());
    }

    #[test]
    fn possible_statements_of_unknown_roles() {
        let f = Caller {
            id: FunctionId(0),
            name: None,
        };
        // A possible Allow changes nothing that is proven.
        let mut p = perms(vec![allow_eni()]);
        p.possible = vec![allow_eni()];
        p.bounded = true;
        p.incomplete = Some(crate::model::Reason::new(
            "an attachment to an unknown role",
        ));
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.unprotected.len(), code_deny_actions().count());
        // A possible Deny on a granted action may protect it: no verdict on that action.
        p.possible = vec![st(Effect::Deny, &["ec2:*"], "*", None)];
        let c = code_protection(&p, f).unwrap();
        assert!(c.unprotected.is_empty());
        assert_eq!(c.undecided.len(), code_deny_actions().count());
        // ... and only on that one.
        p.possible = vec![st(Effect::Deny, &["ec2:CreateNetworkInterface"], "*", None)];
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.undecided, vec!["ec2:CreateNetworkInterface"]);
        assert_eq!(c.unprotected.len(), code_deny_actions().count() - 1);
        // Unbounded: anything may be missing.
        p.possible.clear();
        p.bounded = false;
        assert!(code_protection(&p, f).is_none());
    }

    #[test]
    fn code_protection_by_reference() {
        let f = Caller {
            id: FunctionId(0),
            name: None,
        };
        let unknown = || Item {
            value: Value::unknown("ARN of a function"),
            span: span(),
        };
        // No deny: every granted action is unprotected.
        let p = perms(vec![allow_eni()]);
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.unprotected.len(), code_deny_actions().count());
        assert!(c.other_function.is_empty());
        // A deny naming this function protects everything.
        let p = perms(vec![allow_eni(), code_deny(&[0], vec![unknown()])]);
        let c = code_protection(&p, f).unwrap();
        assert!(c.unprotected.is_empty());
        // A deny naming another function only.
        let p = perms(vec![allow_eni(), code_deny(&[1], vec![unknown()])]);
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.other_function.len(), 1);
        assert_eq!(c.unprotected.len(), code_deny_actions().count());
        // Another function plus a value that is not a reference: undecided.
        let p = perms(vec![
            allow_eni(),
            code_deny(&[1], vec![unknown(), unknown()]),
        ]);
        let undecided = |p: &RolePermissions| {
            let c = code_protection(p, f).unwrap();
            c.unprotected.is_empty() && c.undecided.len() == code_deny_actions().count()
        };
        assert!(undecided(&p));
        // A literal function ARN: its name may be this function's.
        let arn = pattern("arn:aws:lambda:eu-west-1:123456789012:function:app", true);
        let p = perms(vec![allow_eni(), code_deny(&[], vec![arn])]);
        assert!(undecided(&p));
        // A value that is no function's ARN at all, even with unknown parts, names no function.
        let layer = pattern("arn:*:lambda:*:*:layer:shared:*", false);
        let p = perms(vec![allow_eni(), code_deny(&[], vec![layer])]);
        assert_eq!(code_protection(&p, f).unwrap().other_function.len(), 1);
        let sub = pattern("arn:*:lambda:*:*:function:*", false);
        let p = perms(vec![allow_eni(), code_deny(&[1], vec![sub])]);
        assert_eq!(code_protection(&p, f).unwrap().other_function.len(), 1);
        let p = perms(vec![allow_eni(), code_deny(&[], vec![pattern("*", false)])]);
        assert!(undecided(&p));
        // A literal that is no function's ARN at all names another "function".
        let role = pattern("arn:aws:iam::123456789012:role/app", true);
        let p = perms(vec![allow_eni(), code_deny(&[], vec![role])]);
        assert_eq!(code_protection(&p, f).unwrap().other_function.len(), 1);
    }

    #[test]
    fn literal_arns_against_the_deployed_name() {
        let f = Caller {
            id: FunctionId(0),
            name: Some("orders"),
        };
        let judge = |value: Item<Pattern>| {
            let p = perms(vec![allow_eni(), code_deny(&[], vec![value])]);
            let c = code_protection(&p, f).unwrap();
            if !c.other_function.is_empty() {
                ForFunction::OtherFunction
            } else if c.unprotected.is_empty() && c.undecided.is_empty() {
                ForFunction::Yes
            } else {
                assert!(c.unprotected.is_empty(), "{c:?}");
                ForFunction::Unknown
            }
        };
        // Another function's name, literal or with unknown region and account.
        let other = "arn:aws:lambda:eu-west-1:123456789012:function:billing";
        assert_eq!(judge(pattern(other, true)), ForFunction::OtherFunction);
        let partial = "arn:aws:lambda:eu-west-1:*:function:billing";
        assert_eq!(judge(pattern(partial, false)), ForFunction::OtherFunction);
        assert_eq!(
            judge(pattern("arn:aws:lambda:*:*:function:billing:live", true)),
            ForFunction::OtherFunction
        );
        // Its own name, anywhere: a match.
        let own = "arn:aws:lambda:*:*:function:orders";
        assert_eq!(judge(pattern(own, true)), ForFunction::Yes);
        // Its own name in a literal region and account: maybe another deployment's.
        let own_here = "arn:aws:lambda:eu-west-1:123456789012:function:orders";
        assert_eq!(judge(pattern(own_here, true)), ForFunction::Unknown);
        // A name with unknown or wildcard parts may be this one.
        for text in [
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:lambda:*:*:function:ord*",
            "arn:aws:lambda:*:*:function:*-billing",
        ] {
            assert_eq!(judge(pattern(text, false)), ForFunction::Unknown, "{text}");
        }
        // The deployed name unknown: a literal ARN is undecided, as before.
        let unnamed = Caller {
            id: FunctionId(0),
            name: None,
        };
        let p = perms(vec![
            allow_eni(),
            code_deny(&[], vec![pattern(other, true)]),
        ]);
        let c = code_protection(&p, unnamed).unwrap();
        assert!(c.other_function.is_empty() && c.unprotected.is_empty());
        // With StringEquals a `*` is no wildcard: never a certain match.
        let mut c = cond(
            "StringEquals",
            SOURCE_FUNCTION_ARN,
            vec![pattern(own, true)],
            &[],
        );
        assert_eq!(names_function(&c, f), ForFunction::Unknown);
        c.operator = "ArnLike".into();
        assert_eq!(names_function(&c, f), ForFunction::Yes);
    }

    #[test]
    fn nothing_granted_or_unknown_is_silent() {
        let f = Caller {
            id: FunctionId(0),
            name: None,
        };
        assert!(code_protection(&perms(vec![]), f).is_none());
        let conditional = st(
            Effect::Allow,
            &["ec2:*"],
            "*",
            Some(vec![cond(
                "StringEquals",
                "aws:RequestedRegion",
                vec![pattern("x", true)],
                &[],
            )]),
        );
        assert!(code_protection(&perms(vec![conditional]), f).is_none());
        let mut p = perms(vec![allow_eni()]);
        p.incomplete = Some(crate::model::Reason::new("unknown policy"));
        assert!(code_protection(&p, f).is_none());
    }

    #[test]
    fn an_allow_scoped_to_other_resources_grants_nothing() {
        let f = Caller {
            id: FunctionId(0),
            name: None,
        };
        let table = st(
            Effect::Allow,
            &["*"],
            "arn:aws:dynamodb:eu-west-1:1:table/t",
            None,
        );
        assert!(code_protection(&perms(vec![table.clone()]), f).is_none());
        let eni = st(Effect::Allow, &["ec2:CreateNetworkInterface"], "*", None);
        let p = perms(vec![table, eni]);
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.unprotected, vec!["ec2:CreateNetworkInterface"]);
    }

    #[test]
    fn partial_deny_leaves_the_rest() {
        let f = Caller {
            id: FunctionId(0),
            name: None,
        };
        let mut d = code_deny(
            &[0],
            vec![Item {
                value: Value::unknown("ref"),
                span: span(),
            }],
        );
        d.actions = Value::Known(vec![Value::Known("ec2:CreateNetworkInterface".into())]);
        let p = perms(vec![allow_eni(), d]);
        let c = code_protection(&p, f).unwrap();
        assert_eq!(c.protected.len(), 1);
        assert!(c.unprotected.contains(&"ec2:DescribeNetworkInterfaces"));
    }
}
