//! The data sources whose result the files determine: `aws_iam_policy_document` (rendered from
//! its blocks), `aws_iam_policy` naming an AWS managed policy (its document is reference data,
//! `data/managed-policies.json`), and `aws_vpc_endpoint_service` with a literal `service` (AWS
//! names endpoint services `com.amazonaws.<region>.<service>`), `aws_region` and `aws_partition`
//! (the region of the `aws` provider the module uses, when its block sets it),
//! `aws_prefix_list` and `aws_ec2_managed_prefix_list` naming an AWS-managed list (its id
//! stays unknown, but says which list it is) or selected by id. The data sources
//! that read existing infrastructure are read from the AWS snapshot when one is given (see
//! [`super::snapshot_data`]); every other stays unknown.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};

use super::{Evaluator, Item, Scope, Val, HOLE};
use crate::analysis::data::{managed_policies, ManagedPolicy};
use crate::frontend::terraform::parse::{span_of, Resource};
use crate::frontend::terraform::policy_document;
use crate::model::Reason;
use crate::source::Span;

/// Whether a data source of this type is evaluated from the files.
pub fn evaluated(kind: &str) -> bool {
    matches!(
        kind,
        "aws_iam_policy_document"
            | "aws_iam_policy"
            | "aws_vpc_endpoint_service"
            | "aws_region"
            | "aws_partition"
            | "aws_prefix_list"
            | "aws_ec2_managed_prefix_list"
    )
}

impl Evaluator<'_> {
    /// Whether a data source of this type is evaluated: from the files, or from the AWS
    /// snapshot when the run has one (without it, those stay unknown as before).
    pub(super) fn evaluates_data(&self, kind: &str) -> bool {
        evaluated(kind) || (self.snapshot.is_some() && super::snapshot_data::handles(kind))
    }
}

/// One instance's attributes, as a map (what `data.<kind>.<name>[i]` evaluates to).
pub fn instance(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope) -> Val {
    let span = span_of(res.file, res.block);
    if let Some(snap) = ev.snapshot {
        if res.kind == "aws_iam_policy" {
            if let Some(v) = super::snapshot_data::iam_policy(ev, res, scope, snap) {
                return v;
            }
        } else if super::snapshot_data::handles(res.kind) {
            return super::snapshot_data::instance(ev, res, scope, snap);
        }
    }
    match res.kind {
        "aws_iam_policy_document" => {
            let doc = policy_document::evaluate(ev, res, scope);
            object(
                span,
                [
                    ("json", Val::Json(Box::new(doc.clone()))),
                    ("minified_json", Val::Json(Box::new(doc))),
                ],
            )
        }
        "aws_iam_policy" => managed_policy(ev, res, scope, span),
        "aws_vpc_endpoint_service" => endpoint_service(ev, res, scope, span),
        "aws_prefix_list" | "aws_ec2_managed_prefix_list" => prefix_list(ev, res, scope, span),
        "aws_region" => {
            let region = arg(ev, res, scope, "region")
                .or_else(|| arg(ev, res, scope, "name"))
                .unwrap_or_else(|| ev.provider_region(scope.module));
            object(
                span,
                [
                    ("region", region.clone()),
                    ("name", region.clone()),
                    ("id", region),
                ],
            )
        }
        "aws_partition" => {
            let region = ev.provider_region(scope.module);
            let partition = match region.as_str() {
                Some(r) => match partition_of(&r) {
                    Some(p) => Val::Str(p.into()),
                    None => Val::unknown(format!("the partition of region `{r}` is not known")),
                },
                None => Val::Unknown(super::reason_or(
                    &region,
                    "the provider's region is unknown".into(),
                )),
            };
            let suffix = match partition.as_str().as_deref() {
                Some("aws-cn") => Val::Str("amazonaws.com.cn".into()),
                Some("aws" | "aws-us-gov") => Val::Str("amazonaws.com".into()),
                _ => Val::Unknown(super::reason_or(
                    &partition,
                    "the partition is unknown".into(),
                )),
            };
            object(
                span,
                [
                    ("partition", partition.clone()),
                    ("id", partition),
                    ("dns_suffix", suffix),
                ],
            )
        }
        _ => Val::unknown(format!(
            "data source `data.{}.{}` (existing infrastructure)",
            res.kind, res.name
        )),
    }
}

/// The partition of a region, for the commercial, China and GovCloud partitions (the isolated
/// ones have other prefixes and stay unknown).
fn partition_of(region: &str) -> Option<&'static str> {
    if region.starts_with("cn-") {
        return Some("aws-cn");
    }
    if region.starts_with("us-gov-") {
        return Some("aws-us-gov");
    }
    let (prefix, rest) = region.split_once('-')?;
    let commercial = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"];
    (commercial.contains(&prefix) && !rest.contains("iso")).then_some("aws")
}

fn object<const N: usize>(span: Span, entries: [(&str, Val); N]) -> Val {
    Val::Map(
        entries
            .into_iter()
            .map(|(k, val)| (k.to_string(), Item { val, span }))
            .collect(),
    )
}

fn arg(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope, name: &str) -> Option<Val> {
    let a = res.body().get_attribute(name)?;
    Some(ev.eval(&a.value, scope)).filter(|v| !v.is_null())
}

/// `data "aws_iam_policy"` that names an AWS managed policy by `arn` (any partition) or by
/// `name`: its document is the reference data's. A customer managed policy stays unknown.
fn managed_policy(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope, span: Span) -> Val {
    let what = format!("data.aws_iam_policy.{}", res.name);
    let arn = arg(ev, res, scope, "arn");
    let found: Result<&'static ManagedPolicy, Reason> = match (&arn, arg(ev, res, scope, "name")) {
        (Some(a), _) => match a.as_pattern() {
            Some(p) => crate::analysis::data::managed_policy_by_arn(&p.text).ok_or_else(|| {
                Reason::new(format!(
                    "`{what}` reads `{}`, not an AWS managed policy this linter knows",
                    p.text
                ))
            }),
            None => Err(super::reason_or(
                a,
                format!("the `arn` of `{what}` is not a string"),
            )),
        },
        (None, Some(n)) => match n.as_str() {
            Some(name) => {
                let prefix = arg(ev, res, scope, "path_prefix").and_then(|p| p.as_str());
                managed_policies()
                    .policies
                    .iter()
                    .find(|p| {
                        p.name == name
                            && prefix.as_deref().is_none_or(|pre| p.path.starts_with(pre))
                    })
                    .ok_or_else(|| {
                        Reason::new(format!(
                            "`{what}` reads the policy named `{name}`, not an AWS managed policy this linter knows"
                        ))
                    })
            }
            None => Err(super::reason_or(
                &n,
                format!("the `name` of `{what}` is not a string"),
            )),
        },
        (None, None) => Err(Reason::new(format!(
            "`{what}` selects a policy by other arguments (existing infrastructure)"
        ))),
    };
    let p = match found {
        Ok(p) => p,
        Err(r) => return Val::Unknown(r),
    };
    let arn = arn.unwrap_or_else(|| Val::Partial {
        text: format!("arn:{HOLE}:iam::aws:policy{}{}", p.path, p.name),
        reason: Reason::new("the partition is chosen by the provider's credentials"),
    });
    object(
        span,
        [
            ("arn", arn),
            ("name", Val::Str(p.name.clone())),
            ("path", Val::Str(p.path.clone())),
            ("policy", Val::Json(Box::new(document(p, span)))),
        ],
    )
}

/// A managed policy's statements as the JSON structure a policy value has.
fn document(p: &ManagedPolicy, span: Span) -> Val {
    let strings = |v: &[String]| {
        Val::List(
            v.iter()
                .map(|s| Item {
                    val: Val::Str(s.clone()),
                    span,
                })
                .collect(),
        )
    };
    let statements = p
        .statements
        .iter()
        .map(|st| {
            let mut m = BTreeMap::new();
            let mut put = |k: &str, val: Val| {
                m.insert(k.to_string(), Item { val, span });
            };
            put("Effect", Val::Str(st.effect.clone()));
            if !st.actions.is_empty() {
                put("Action", strings(&st.actions));
            }
            if !st.not_actions.is_empty() {
                put("NotAction", strings(&st.not_actions));
            }
            if !st.resources.is_empty() {
                put("Resource", strings(&st.resources));
            }
            if !st.not_resources.is_empty() {
                put("NotResource", strings(&st.not_resources));
            }
            if let Some(c) = &st.condition {
                put("Condition", super::from_json_text(&c.to_string(), span));
            }
            Item {
                val: Val::Map(m),
                span,
            }
        })
        .collect();
    object(
        span,
        [
            ("Version", Val::Str("2012-10-17".into())),
            ("Statement", Val::List(statements)),
        ],
    )
}

/// `data "aws_vpc_endpoint_service"`: with `service_name` it is that name; with a literal
/// `service` it is `com.amazonaws.<region>.<service>` (the provider's region, unknown from the
/// files unless the data source sets `region`).
fn endpoint_service(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope, span: Span) -> Val {
    let region = arg(ev, res, scope, "region").unwrap_or_else(|| ev.provider_region(scope.module));
    let what = format!("data.aws_vpc_endpoint_service.{}", res.name);
    let name = match (
        arg(ev, res, scope, "service_name"),
        arg(ev, res, scope, "service"),
    ) {
        (Some(n), _) => n,
        (None, Some(s)) => match s.as_str() {
            Some(service) => match region.as_str() {
                Some(region) => Val::Str(format!("com.amazonaws.{region}.{service}")),
                None => Val::Partial {
                    text: format!("com.amazonaws.{HOLE}.{service}"),
                    reason: super::reason_or(
                        &region,
                        format!("`{what}`: the provider's region is not known from the files"),
                    ),
                },
            },
            None => {
                return Val::Unknown(super::reason_or(
                    &s,
                    format!("the `service` of `{what}` is not a string"),
                ))
            }
        },
        (None, None) => {
            return Val::unknown(format!(
                "`{what}` selects a service by filters (existing infrastructure)"
            ))
        }
    };
    object(
        span,
        [
            ("service_name", name),
            (
                "id",
                Val::unknown(format!("`{what}.id` is read from the account")),
            ),
        ],
    )
}

/// `data "aws_prefix_list"` / `data "aws_ec2_managed_prefix_list"`. Selected by id
/// (`prefix_list_id`, `id`), its `id` is that value (a gateway endpoint's `prefix_list_id`
/// stays the reference the security group lowering resolves). Selected by a name that AWS
/// reserves for its managed lists (`com.amazonaws.<region>.<service>`, by `name` or a
/// `prefix-list-name` filter), its `id` is unknown (it differs per region and account) with a
/// reason that names the list, which the security group lowering reads
/// ([`Reason::managed_prefix_list`]). Any other selection reads the account: unknown.
fn prefix_list(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope, span: Span) -> Val {
    let what = format!("data.{}.{}", res.kind, res.name);
    let id_arg = if res.kind == "aws_prefix_list" {
        "prefix_list_id"
    } else {
        "id"
    };
    if let Some(id) = arg(ev, res, scope, id_arg) {
        return object(
            span,
            [
                ("id", id),
                (
                    "name",
                    Val::unknown(format!("`{what}.name` is read from the account")),
                ),
            ],
        );
    }
    let name = match arg(ev, res, scope, "name") {
        Some(n) => Ok(n),
        None => name_filter(ev, res, scope, &what),
    };
    let id = match name {
        Ok(n) => managed_list_id(&n, &what),
        Err(r) => Val::Unknown(r),
    };
    object(
        span,
        [
            ("id", id),
            (
                "cidr_blocks",
                Val::unknown(format!("the entries of `{what}` are read from the account")),
            ),
        ],
    )
}

/// The one value of a `filter { name = "prefix-list-name" }` block.
fn name_filter(
    ev: &Evaluator<'_>,
    res: &Resource<'_>,
    scope: &Scope,
    what: &str,
) -> Result<Val, Reason> {
    for block in res.body().get_blocks("filter") {
        let get = |k: &str| {
            block
                .body
                .get_attribute(k)
                .map(|a| ev.eval(&a.value, scope))
        };
        match get("name") {
            Some(Val::Str(n)) if n == "prefix-list-name" => {}
            Some(Val::Str(_)) => continue,
            Some(other) => {
                return Err(super::reason_or(
                    &other,
                    format!("the `name` of a `filter` of `{what}` is not a string"),
                ))
            }
            None => continue,
        }
        return match get("values") {
            Some(Val::List(items)) if items.len() == 1 => Ok(items[0].val.clone()),
            Some(Val::List(items)) => Err(Reason::new(format!(
                "the `prefix-list-name` filter of `{what}` has {} values, not one",
                items.len()
            ))),
            Some(other) => Err(super::reason_or(
                &other,
                format!("the `prefix-list-name` filter of `{what}` is not a list"),
            )),
            None => Err(Reason::new(format!(
                "the `prefix-list-name` filter of `{what}` has no `values`"
            ))),
        };
    }
    Err(Reason::new(format!(
        "`{what}` selects a prefix list by other arguments (existing infrastructure)"
    )))
}

/// The id of the prefix list named `name`: an AWS-managed list's (names that start with
/// `com.amazonaws.`, which AWS reserves) is an unknown naming the list; any other name is a
/// customer-managed list's, whose entries the configuration does not hold.
fn managed_list_id(name: &Val, what: &str) -> Val {
    let (text, region_reason) = match name {
        Val::Str(s) => (s.clone(), None),
        Val::Partial { text, reason } => (text.replace(HOLE, "*"), Some(reason)),
        other => {
            return Val::Unknown(super::reason_or(
                other,
                format!("the name of the prefix list of `{what}` is not a string"),
            ))
        }
    };
    if !text.starts_with("com.amazonaws.") {
        return Val::unknown(format!(
            "`{what}` reads the customer-managed prefix list `{text}`: its entries are not in the configuration"
        ));
    }
    let words = match region_reason {
        None => format!("the id of the AWS-managed prefix list `{text}` (`{what}`)"),
        Some(r) => format!("the id of the AWS-managed prefix list `{text}` (`{what}`; {r})"),
    };
    Val::Unknown(Reason::managed_prefix_list(&text, words))
}

impl Evaluator<'_> {
    /// The region of the default `aws` provider of module instance `m`: its own provider block,
    /// else its caller's (modules inherit the default provider), unless a `providers` argument
    /// passes another configuration.
    pub(super) fn provider_region(&self, m: usize) -> Val {
        let mut m = m;
        // Module nesting is capped by the module tree; this bound only guards against a bug.
        for _ in 0..64 {
            if let Some((file, block)) = self.decls_at(m).aws_provider {
                return match block.body.get_attribute("region") {
                    Some(a) => self.eval(&a.value, &Scope::at(file, m)),
                    None => Val::unknown(
                        "the `aws` provider block sets no region (it comes from the environment)",
                    ),
                };
            }
            let inst = self.inst(m);
            let Some(link) = &inst.parent else {
                return Val::unknown(
                    "no `provider \"aws\"` block sets the region (it comes from the environment)",
                );
            };
            // `providers = { aws = aws }` passes the caller's default: the same region.
            let passes_other = self
                .decls_at(link.caller)
                .module(&link.name)
                .and_then(|c| c.block.body.get_attribute("providers"))
                .is_some_and(|a| match &a.value {
                    Expression::Object(o) => o.iter().any(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(id) => id.as_str(),
                            ObjectKey::Expression(Expression::Variable(id)) => id.as_str(),
                            ObjectKey::Expression(_) => return true,
                        };
                        key == "aws"
                            && !matches!(v.expr(), Expression::Variable(id) if id.as_str() == "aws")
                    }),
                    _ => true,
                });
            if passes_other {
                return Val::unknown(format!(
                    "module `{}` is given a provider configuration with `providers`",
                    link.name
                ));
            }
            m = link.caller;
        }
        Val::unknown("the provider's region is not known from the files")
    }
}
