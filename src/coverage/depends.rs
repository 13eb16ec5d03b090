//! Which rules depend on which fact about a function: the one place that says so. Coverage uses
//! it to list, for every unknown, the rules that could not decide; `tests/coverage.rs` checks it
//! against each rule's `unknown-*` fixtures (the rule is silent there, and the unknown it was
//! silent about names the rule).

use super::Aspect;

/// A fact about a VPC function (or capacity provider) that rules need and that may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need {
    /// Which subnets the function is attached to.
    Subnets,
    /// The VPC of each subnet.
    SubnetVpc,
    /// The availability zone of each subnet (and of the NAT gateway's subnet).
    Zone,
    /// The IPv4 CIDR of each subnet.
    SubnetCidr,
    /// Dual-stack: the flag, the subnets' IPv6 blocks and IPv6 routes.
    Ipv6,
    /// The VPC's tenancy and DNS settings.
    VpcSettings,
    /// The effective route table and internet egress of each subnet.
    Egress,
    /// The NAT gateway a subnet routes to: its subnet, connectivity, Elastic IP.
    Nat,
    /// The VPC endpoints that may serve a used service from a subnet.
    Endpoint,
    /// The security groups: which, their VPC and rules (and the endpoints' groups).
    SecurityGroups,
    /// The services the function uses (role actions, environment).
    Services,
    /// What the environment variables refer to (a resource inside the VPC or not).
    Environment,
    /// The execution role itself.
    Role,
    /// The role's policies: all attached, all readable.
    Policies,
    /// A statement's effect, actions, resources or condition.
    Statement,
}

impl Need {
    pub fn aspect(self) -> Aspect {
        match self {
            Need::Subnets
            | Need::SubnetVpc
            | Need::Zone
            | Need::SubnetCidr
            | Need::Ipv6
            | Need::VpcSettings => Aspect::Placement,
            Need::Egress | Need::Nat | Need::Endpoint => Aspect::Routing,
            Need::SecurityGroups => Aspect::SecurityGroups,
            Need::Services | Need::Environment => Aspect::Services,
            Need::Role | Need::Policies | Need::Statement => Aspect::Role,
        }
    }
}

use Need::*;

/// Rule → the facts it needs to decide for a function. A rule not listed here (input
/// diagnostics) needs none. Placement underlies every network rule: without the subnets there
/// is nothing to follow.
pub const DEPENDS: &[(&str, &[Need])] = &[
    ("LVL001", &[Subnets, Egress]),
    (
        "LVL002",
        &[Subnets, SubnetVpc, Ipv6, Egress, Endpoint, Services],
    ),
    (
        "LVL003",
        &[Subnets, SubnetVpc, Ipv6, Egress, Endpoint, Services],
    ),
    ("LVL004", &[Subnets, Egress, Nat]),
    ("LVL005", &[Subnets, Zone, Egress, Nat]),
    ("LVL006", &[Subnets, Zone]),
    ("LVL007", &[Subnets, SubnetVpc, Egress, Endpoint, Services]),
    (
        "LVL008",
        &[
            Subnets,
            SubnetVpc,
            SubnetCidr,
            Endpoint,
            SecurityGroups,
            Services,
        ],
    ),
    ("LVL009", &[Subnets, SubnetVpc, Endpoint, Services]),
    (
        "LVL010",
        &[Subnets, Egress, Endpoint, SecurityGroups, Services],
    ),
    ("LVL011", &[Subnets, Ipv6]),
    ("LVL012", &[Subnets, Ipv6, Egress]),
    ("LVL013", &[Subnets, SubnetVpc, VpcSettings]),
    ("LVL014", &[Subnets, SubnetVpc, SecurityGroups]),
    ("LVL015", &[Subnets, SubnetCidr]),
    (
        "LVL016",
        &[Services, Environment, Role, Policies, Statement],
    ),
    ("LVL017", &[Subnets, SubnetVpc, Egress, Endpoint, Services]),
    ("LVL018", &[Subnets, SubnetVpc, Endpoint, VpcSettings]),
    ("LVL101", &[Role, Policies, Statement]),
    ("LVL102", &[Role, Policies, Statement]),
    ("LVL103", &[Role, Policies, Statement]),
    ("LVL104", &[Role, Policies, Statement]),
    ("LVL105", &[Role, Policies, Statement]),
    ("LVL106", &[Role, Policies, Statement]),
    ("LVL201", &[Subnets, SubnetVpc, Egress, Endpoint, Services]),
];

/// The rules that cannot decide when `need` is unknown, in ID order. Managed-instances rules
/// judge capacity providers, the others VPC functions.
pub fn rules_for(need: Need, provider: bool) -> Vec<&'static str> {
    DEPENDS
        .iter()
        .filter(|(id, _)| id.starts_with("LVL2") == provider)
        .filter(|(_, needs)| needs.contains(&need))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_rule_is_listed_once_in_id_order() {
        let ids: Vec<&str> = DEPENDS.iter().map(|(id, _)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        let catalog: Vec<&str> = crate::rules::catalog()
            .iter()
            .filter(|m| m.category != "input")
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, catalog, "every catalog rule says what it needs");
    }

    #[test]
    fn rules_for_splits_functions_and_providers() {
        assert_eq!(rules_for(Zone, false), ["LVL005", "LVL006"]);
        assert_eq!(rules_for(Egress, true), ["LVL201"]);
        assert!(rules_for(Role, true).is_empty());
    }
}
