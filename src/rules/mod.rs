//! The rule registry: one line per rule, sorted by ID. Each line ties the rule's metadata file
//! (the data half, under `rules/`) to its check function (the code half, a file named for its
//! slug). `tests/catalog.rs` fails if a metadata file, a fixture folder or a line is missing.

pub mod context;
mod fix;
mod iam;
mod managed_instances;
pub mod meta;
mod network;

use std::sync::OnceLock;

pub use context::RuleContext;
pub use meta::RuleMeta;

use crate::diagnostic::Diagnostic;

/// A rule's check: a pure function from the model and its facts to findings.
pub type CheckFn = fn(&RuleContext<'_>, &mut Vec<Diagnostic>);

pub struct RuleEntry {
    /// Path under `rules/` without the extension: `<category>/<ID>-<slug>`.
    pub path: &'static str,
    pub source: &'static str,
    /// `None` for the front-end diagnostics (9xx), which no rule function emits.
    pub check: Option<CheckFn>,
}

macro_rules! rule {
    ($path:literal, $check:expr) => {
        RuleEntry {
            path: $path,
            source: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $path,
                ".yaml"
            )),
            check: $check,
        }
    };
}

/// Sorted by ID. One line per rule.
pub static REGISTRY: &[RuleEntry] = &[
    rule!(
        "network/LVL001-public-subnet-no-internet",
        Some(network::public_subnet_no_internet::check)
    ),
    rule!(
        "network/LVL002-no-egress-path",
        Some(network::no_egress_path::check)
    ),
    rule!(
        "network/LVL003-service-without-endpoint",
        Some(network::service_without_endpoint::check)
    ),
    rule!(
        "network/LVL004-nat-gateway-not-public",
        Some(network::nat_gateway_not_public::check)
    ),
    rule!(
        "network/LVL005-nat-cross-az",
        Some(network::nat_cross_az::check)
    ),
    rule!(
        "network/LVL007-gateway-endpoint-not-routed",
        Some(network::gateway_endpoint_not_routed::check)
    ),
    rule!(
        "network/LVL008-endpoint-sg-blocks-lambda",
        Some(network::endpoint_sg_blocks_lambda::check)
    ),
    rule!(
        "network/LVL009-endpoint-private-dns-off",
        Some(network::endpoint_private_dns_off::check)
    ),
    rule!(
        "network/LVL010-sg-blocks-egress",
        Some(network::sg_blocks_egress::check)
    ),
    rule!(
        "network/LVL012-ipv6-no-egress-route",
        Some(network::ipv6_no_egress_route::check)
    ),
    rule!(
        "network/LVL017-nat-for-free-gateway-service",
        Some(network::nat_for_free_gateway_service::check)
    ),
    rule!(
        "network/LVL018-endpoint-vpc-dns-disabled",
        Some(network::endpoint_vpc_dns_disabled::check)
    ),
    rule!(
        "iam/LVL101-missing-eni-permissions",
        Some(iam::missing_eni_permissions::check)
    ),
    rule!(
        "managed-instances/LVL201-managed-instances-no-egress",
        Some(managed_instances::managed_instances_no_egress::check)
    ),
    rule!("input/LVL900-parse-error", None),
    rule!("input/LVL901-unsupported-input", None),
    rule!("input/LVL902-unreadable-file", None),
    rule!("input/LVL904-suppression-without-reason", None),
    rule!("input/LVL905-unused-suppression", None),
];

/// The parsed catalog, in registry order. Metadata is validated by tests; a broken embedded
/// file is a build defect, so it panics here rather than being reported to users.
pub fn catalog() -> &'static [RuleMeta] {
    static CATALOG: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|e| RuleMeta::parse(e.path, e.source).unwrap_or_else(|err| panic!("{err}")))
            .collect()
    })
}

/// Finds a rule by ID or slug (case-insensitive ID).
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    catalog()
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(name) || m.slug == name)
}
