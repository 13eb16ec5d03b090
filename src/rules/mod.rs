//! The rule registry: one line per rule, sorted by ID. Each line ties the rule's metadata file
//! (the data half, under `rules/`) to its check function (the code half, a file named for its
//! slug). `tests/catalog.rs` fails if a metadata file, a fixture folder or a line is missing.

pub mod context;
pub mod declarative;
mod iam;
mod managed_instances;
mod merge;
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
    /// Implemented by the `check` block of its metadata file (the rule language).
    pub data: bool,
}

macro_rules! rule {
    ($path:literal, data) => {
        RuleEntry {
            path: $path,
            source: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $path,
                ".yaml"
            )),
            check: Some({
                fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
                    declarative::run_builtin($path, ctx, out)
                }
                check
            }),
            data: true,
        }
    };
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
            data: false,
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
    rule!("network/LVL006-single-az", Some(network::single_az::check)),
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
    rule!("network/LVL011-dual-stack-subnet-without-ipv6", data),
    rule!(
        "network/LVL012-ipv6-no-egress-route",
        Some(network::ipv6_no_egress_route::check)
    ),
    rule!("network/LVL013-dedicated-tenancy-vpc", data),
    rule!("network/LVL014-vpc-mismatch", data),
    rule!("network/LVL015-subnet-ip-capacity", data),
    rule!(
        "network/LVL016-unneeded-vpc",
        Some(network::unneeded_vpc::check)
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
        "iam/LVL102-eni-permission-scope",
        Some(iam::eni_permission_scope::check)
    ),
    rule!(
        "iam/LVL103-eni-deny-blocks-service",
        Some(iam::eni_deny_blocks_service::check)
    ),
    rule!(
        "iam/LVL104-missing-code-ec2-deny",
        Some(iam::missing_code_ec2_deny::check)
    ),
    rule!(
        "iam/LVL105-code-ec2-deny-wrong-function",
        Some(iam::code_ec2_deny_wrong_function::check)
    ),
    rule!(
        "iam/LVL106-vpc-condition-key-operator",
        Some(iam::vpc_condition_key_operator::check)
    ),
    rule!(
        "managed-instances/LVL201-managed-instances-no-egress",
        Some(managed_instances::managed_instances_no_egress::check)
    ),
    rule!("input/LVL900-parse-error", None),
    rule!("input/LVL901-unsupported-input", None),
    rule!("input/LVL902-unreadable-file", None),
    rule!("input/LVL903-internal-error", None),
    rule!("input/LVL904-suppression-without-reason", None),
    rule!("input/LVL905-unused-suppression", None),
    rule!("input/LVL906-not-verified", None),
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

/// The catalog followed by the rules loaded from rule files at run time.
pub fn all() -> Vec<&'static RuleMeta> {
    catalog()
        .iter()
        .chain(declarative::loaded().into_iter().map(|r| &r.meta))
        .collect()
}

/// Finds a rule by ID or slug (case-insensitive ID), built in or loaded from a rule file.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(name) || m.slug == name)
}
