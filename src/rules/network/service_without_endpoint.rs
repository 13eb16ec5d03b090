//! LVL003 service-without-endpoint: the case of LVL002 where the service offers no VPC endpoint
//! at all (data/endpoint-services.json, `no_endpoint`): only a NAT path, or moving the call to a
//! function outside the VPC, can fix it. Reported instead of LVL002 for that service.

use crate::analysis::data;
use crate::diagnostic::Diagnostic;
use crate::rules::RuleContext;

use super::no_egress_path::{egress_gaps, report};

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for gap in egress_gaps(ctx) {
        if data::no_endpoint(&gap.service.service).is_some() {
            out.push(report(ctx, &gap, "LVL003", "service-without-endpoint"));
        }
    }
}
