pub mod no_egress_path;
pub mod public_subnet_no_internet;
pub mod service_without_endpoint;
pub mod single_az;

use crate::model::{Function, SubnetId};
use crate::source::Span;

/// The function's subnets that are known, with the span of each `subnet_ids` entry.
pub(crate) fn known_subnets(f: &Function) -> Vec<(Span, SubnetId)> {
    let Some(vc) = &f.vpc_config else {
        return Vec::new();
    };
    let Some(items) = vc.subnets.known() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| i.value.known().map(|s| (i.span, *s)))
        .collect()
}
