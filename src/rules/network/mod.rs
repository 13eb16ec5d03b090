pub mod endpoint_private_dns_off;
pub mod endpoint_sg_blocks_lambda;
pub mod endpoint_vpc_dns_disabled;
pub mod gateway_endpoint_not_routed;
pub mod ipv6_no_egress_route;
pub mod nat_cross_az;
pub mod nat_for_free_gateway_service;
pub mod nat_gateway_not_public;
pub mod no_egress_path;
pub mod public_subnet_no_internet;
pub mod service_without_endpoint;
pub mod sg_blocks_egress;
pub mod single_az;
pub mod unneeded_vpc;

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
