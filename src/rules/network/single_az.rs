//! LVL006 single-az: a VPC function has one subnet, or all its subnets are in one known
//! availability zone, so an outage of that zone stops the function.
//!
//! A known list of one entry proves it even when the subnet itself is unknown; with several
//! entries every subnet must be known and every zone provably the same (`analysis::zones`).

use std::collections::BTreeSet;

use crate::analysis::zones::same_zone;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::Value;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        let Some(items) = vc.subnets.known() else {
            continue;
        };
        if items.is_empty() {
            continue;
        }
        let ids: Option<BTreeSet<_>> = items.iter().map(|i| i.value.known().copied()).collect();
        let one_subnet = items.len() == 1 || ids.as_ref().is_some_and(|s| s.len() == 1);
        let mut steps = Vec::new();
        let zone = if one_subnet {
            None
        } else {
            // Several entries: all subnets known, and every zone provably the first one.
            let Some(ids) = ids else { continue };
            let Some(first) = ids
                .first()
                .map(|id| &model.subnet(*id).availability_zone.value)
            else {
                continue;
            };
            let mut one = true;
            for id in &ids {
                let s = model.subnet(*id);
                if same_zone(first, &s.availability_zone.value) != Value::Known(true) {
                    one = false;
                    break;
                }
                steps.push(Step {
                    span: s.availability_zone.span,
                    text: format!(
                        "subnet `{}` is in availability zone {}",
                        s.meta.name,
                        first.known().map(ToString::to_string).unwrap_or_default()
                    ),
                });
            }
            if !one {
                continue;
            }
            first.known().cloned()
        };
        let names: Vec<String> = items
            .iter()
            .filter_map(|i| i.value.known())
            .map(|id| model.subnet(*id).meta.name.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let message = match &zone {
            None => match names.first() {
                Some(n) => format!(
                    "function `{}` is attached to a single subnet, `{n}`, so it runs in one availability zone: an outage of that zone stops it",
                    f.meta.name
                ),
                None => format!(
                    "function `{}` is attached to a single subnet, so it runs in one availability zone: an outage of that zone stops it",
                    f.meta.name
                ),
            },
            Some(az) => format!(
                "all {} subnets of function `{}` are in availability zone {az}: an outage of that zone stops it",
                names.len(),
                f.meta.name
            ),
        };
        if one_subnet {
            if let Some(item) = items.first() {
                steps.push(Step {
                    span: item.span,
                    text: format!("`{}` lists one subnet", f.meta.name),
                });
            }
        }
        let fix = ctx.fix(&FixIntent::AddSubnetInAnotherZone {
            function: f.meta.name.clone(),
            subnets: names.clone(),
        });
        let file = ctx.file_of(vc.subnets.span).to_string();
        let mut parts: Vec<&str> = vec![&f.meta.name];
        parts.extend(names.iter().map(String::as_str));
        out.push(Diagnostic {
            code: "LVL006",
            slug: "single-az",
            severity: Severity::Warning,
            message,
            span: vc.subnets.span,
            proof: steps,
            fix: fix.text,
            fingerprint: Diagnostic::fingerprint_of("LVL006", &file, &parts),
            edits: fix.edits,
        });
    }
}
