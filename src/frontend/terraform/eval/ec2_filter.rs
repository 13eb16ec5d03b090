//! EC2 `Filter` semantics (`aws ec2 describe-… --filters`), as the data sources that read the
//! AWS snapshot use them: a resource matches when it matches every filter (AND), and a filter
//! when one of the resource's values for that name matches one of the filter's values (OR);
//! values may hold `*` (any run of characters) and `?` (one character), `\` escapes either.
//! `tag:<Key>` compares that tag's value, `tag-key` the tag keys.
//!
//! Only filter names this module knows are evaluated: any other name makes the data source
//! unknown, since guessing what AWS would match is worse than not knowing.

use crate::frontend::snapshot::{scalar, Kind, Resource};

/// One `filter { name = …, values = […] }` block, or an argument the provider turns into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    pub fn new(name: impl Into<String>, values: Vec<String>) -> Self {
        Filter {
            name: name.into(),
            values,
        }
    }
}

/// How a resource's values for one filter name are read from its CLI JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A scalar field (`VpcId`; booleans and numbers as written).
    Scalar(&'static str),
    /// A field of each object of a list (`Associations[].SubnetId`).
    Nested(&'static str, &'static str),
    /// One tag's value (`tag:Name`).
    Tag(String),
    /// Every tag key (`tag-key`).
    TagKeys,
}

impl Field {
    /// The resource's values for this field (none when it lacks the field).
    pub fn values<'r>(&self, res: &'r Resource) -> Vec<&'r str> {
        match self {
            Field::Scalar(key) => res.str(key).into_iter().collect(),
            Field::Nested(list, key) => res
                .field(list)
                .map(|l| {
                    l.items()
                        .iter()
                        .filter_map(|o| o.get(key).and_then(scalar))
                        .collect()
                })
                .unwrap_or_default(),
            Field::Tag(key) => res.tag(key).into_iter().collect(),
            Field::TagKeys => res.tags().into_iter().map(|(k, _)| k).collect(),
        }
    }
}

/// What filter `name` reads on objects of `kind`, as the `describe-…` call documents it; `None`
/// for a name this linter does not evaluate. The camel-case spellings are the older names EC2
/// still accepts (the provider itself sends `isDefault` for `aws_vpc`'s `default`).
pub fn field(kind: Kind, name: &str) -> Option<Field> {
    if let Some(key) = name.strip_prefix("tag:") {
        return Some(Field::Tag(key.to_string()));
    }
    if name == "tag-key" {
        return Some(Field::TagKeys);
    }
    use Field::{Nested, Scalar};
    let f = match (kind, name) {
        (_, "owner-id") if kind != Kind::VpcEndpoint => Scalar("OwnerId"),
        (Kind::Vpc, "vpc-id") => Scalar("VpcId"),
        (Kind::Vpc, "cidr") => Scalar("CidrBlock"),
        (Kind::Vpc, "cidr-block-association.cidr-block") => {
            Nested("CidrBlockAssociationSet", "CidrBlock")
        }
        (Kind::Vpc, "cidr-block-association.association-id") => {
            Nested("CidrBlockAssociationSet", "AssociationId")
        }
        (Kind::Vpc, "ipv6-cidr-block-association.ipv6-cidr-block") => {
            Nested("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock")
        }
        (Kind::Vpc, "dhcp-options-id") => Scalar("DhcpOptionsId"),
        (Kind::Vpc, "is-default" | "isDefault") => Scalar("IsDefault"),
        (Kind::Vpc, "state") => Scalar("State"),
        (Kind::Subnet, "subnet-id" | "subnetId") => Scalar("SubnetId"),
        (Kind::Subnet, "subnet-arn") => Scalar("SubnetArn"),
        (Kind::Subnet, "vpc-id" | "vpcId") => Scalar("VpcId"),
        (Kind::Subnet, "availability-zone" | "availabilityZone") => Scalar("AvailabilityZone"),
        (Kind::Subnet, "availability-zone-id" | "availabilityZoneId") => {
            Scalar("AvailabilityZoneId")
        }
        (Kind::Subnet, "available-ip-address-count") => Scalar("AvailableIpAddressCount"),
        (Kind::Subnet, "cidr-block" | "cidrBlock" | "cidr") => Scalar("CidrBlock"),
        (Kind::Subnet, "default-for-az" | "defaultForAz") => Scalar("DefaultForAz"),
        (Kind::Subnet, "map-public-ip-on-launch") => Scalar("MapPublicIpOnLaunch"),
        (Kind::Subnet, "ipv6-cidr-block-association.ipv6-cidr-block") => {
            Nested("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock")
        }
        (Kind::Subnet, "state") => Scalar("State"),
        (Kind::SecurityGroup, "group-id") => Scalar("GroupId"),
        (Kind::SecurityGroup, "group-name") => Scalar("GroupName"),
        (Kind::SecurityGroup, "description") => Scalar("Description"),
        (Kind::SecurityGroup, "vpc-id") => Scalar("VpcId"),
        (Kind::RouteTable, "route-table-id") => Scalar("RouteTableId"),
        (Kind::RouteTable, "vpc-id") => Scalar("VpcId"),
        (Kind::RouteTable, "association.route-table-association-id") => {
            Nested("Associations", "RouteTableAssociationId")
        }
        (Kind::RouteTable, "association.route-table-id") => Nested("Associations", "RouteTableId"),
        (Kind::RouteTable, "association.subnet-id") => Nested("Associations", "SubnetId"),
        (Kind::RouteTable, "association.gateway-id") => Nested("Associations", "GatewayId"),
        (Kind::RouteTable, "association.main") => Nested("Associations", "Main"),
        (Kind::RouteTable, "route.destination-cidr-block") => {
            Nested("Routes", "DestinationCidrBlock")
        }
        (Kind::RouteTable, "route.destination-ipv6-cidr-block") => {
            Nested("Routes", "DestinationIpv6CidrBlock")
        }
        (Kind::RouteTable, "route.destination-prefix-list-id") => {
            Nested("Routes", "DestinationPrefixListId")
        }
        (Kind::RouteTable, "route.gateway-id") => Nested("Routes", "GatewayId"),
        (Kind::RouteTable, "route.nat-gateway-id") => Nested("Routes", "NatGatewayId"),
        (Kind::RouteTable, "route.egress-only-internet-gateway-id") => {
            Nested("Routes", "EgressOnlyInternetGatewayId")
        }
        (Kind::RouteTable, "route.transit-gateway-id") => Nested("Routes", "TransitGatewayId"),
        (Kind::RouteTable, "route.vpc-peering-connection-id") => {
            Nested("Routes", "VpcPeeringConnectionId")
        }
        (Kind::RouteTable, "route.instance-id") => Nested("Routes", "InstanceId"),
        (Kind::RouteTable, "route.origin") => Nested("Routes", "Origin"),
        (Kind::RouteTable, "route.state") => Nested("Routes", "State"),
        (Kind::VpcEndpoint, "vpc-endpoint-id") => Scalar("VpcEndpointId"),
        (Kind::VpcEndpoint, "vpc-id") => Scalar("VpcId"),
        (Kind::VpcEndpoint, "service-name") => Scalar("ServiceName"),
        (Kind::VpcEndpoint, "vpc-endpoint-state") => Scalar("State"),
        (Kind::VpcEndpoint, "vpc-endpoint-type") => Scalar("VpcEndpointType"),
        (Kind::VpcEndpoint, "ip-address-type") => Scalar("IpAddressType"),
        _ => return None,
    };
    Some(f)
}

/// The filters of `kind` resolved to fields; `Err` names the first filter this linter does not
/// evaluate.
pub fn compile(kind: Kind, filters: &[Filter]) -> Result<Vec<(Field, &[String])>, String> {
    filters
        .iter()
        .map(|f| {
            field(kind, &f.name)
                .map(|field| (field, f.values.as_slice()))
                .ok_or_else(|| f.name.clone())
        })
        .collect()
}

/// Whether `res` matches every compiled filter.
pub fn matches(res: &Resource, filters: &[(Field, &[String])]) -> bool {
    filters.iter().all(|(field, wanted)| {
        let have = field.values(res);
        have.iter()
            .any(|h| wanted.iter().any(|pattern| wildcard(pattern, h)))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    /// `*`: any run of characters, the empty one included.
    Star,
    /// `?`: exactly one character.
    One,
}

fn tokens(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            // `\*`, `\?` and `\\` are the literal characters; a trailing `\` is itself.
            '\\' => Tok::Char(chars.next().unwrap_or('\\')),
            c => Tok::Char(c),
        });
    }
    out
}

/// EC2 filter value matching: case-sensitive, `*` and `?` wildcards, `\` escapes. Linear
/// backtracking over the last `*` only, so hostile patterns cost at most
/// `pattern × text` steps.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p = tokens(pattern);
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Char(c)) if *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::snapshot::Snapshot;

    #[test]
    fn wildcards_escapes_and_case() {
        for (p, t) in [
            ("subnet-1", "subnet-1"),
            ("*", ""),
            ("*", "anything"),
            ("private-*", "private-a"),
            ("private-*", "private-"),
            ("*-a", "private-a"),
            ("p?ivate", "private"),
            ("*a*b*", "xxaxxbxx"),
            ("\\*lit", "*lit"),
            ("a\\?", "a?"),
            ("a\\\\", "a\\"),
            ("ünï*", "ünïcode"),
        ] {
            assert!(wildcard(p, t), "{p} should match {t}");
        }
        for (p, t) in [
            ("subnet-1", "subnet-10"),
            ("Private-*", "private-a"),
            ("p?ivate", "pivate"),
            ("?", ""),
            ("*-b", "private-a"),
            ("\\*lit", "xlit"),
            ("a\\?", "ab"),
            ("", "x"),
        ] {
            assert!(!wildcard(p, t), "{p} should not match {t}");
        }
        // A hostile pattern stays cheap.
        let p = "*a".repeat(200);
        let t = "a".repeat(10_000) + "b";
        assert!(!wildcard(&p, &t));
    }

    const SUBNETS: &str = r#"{"Subnets": [
        {"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-1a",
         "DefaultForAz": false, "Tags": [{"Key": "Name", "Value": "private-a"},
                                          {"Key": "Tier", "Value": "private"}]},
        {"SubnetId": "subnet-2", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-1b",
         "DefaultForAz": false, "Tags": [{"Key": "Name", "Value": "public-b"},
                                          {"Key": "Tier", "Value": "public"}]},
        {"SubnetId": "subnet-3", "VpcId": "vpc-2", "AvailabilityZone": "eu-west-1a",
         "DefaultForAz": true}
    ]}"#;

    fn ids(snap: &Snapshot, filters: &[Filter]) -> Result<Vec<String>, String> {
        let compiled = compile(Kind::Subnet, filters)?;
        Ok(snap
            .all(Kind::Subnet)
            .filter(|r| matches(r, &compiled))
            .map(|r| r.id.clone())
            .collect())
    }

    fn f(name: &str, values: &[&str]) -> Filter {
        Filter::new(name, values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn and_across_filters_or_within_values_and_tags() {
        let snap = super::super::snapshot_data::tests::snapshot(&[("subnets.json", SUBNETS)]);
        let all = ["subnet-1", "subnet-2", "subnet-3"];
        assert_eq!(ids(&snap, &[]).unwrap(), all);
        assert_eq!(
            ids(&snap, &[f("vpc-id", &["vpc-1"])]).unwrap(),
            ["subnet-1", "subnet-2"]
        );
        // OR within one filter's values.
        assert_eq!(
            ids(
                &snap,
                &[f("availability-zone", &["eu-west-1b", "eu-west-1c"])]
            )
            .unwrap(),
            ["subnet-2"]
        );
        // AND across filters.
        assert_eq!(
            ids(
                &snap,
                &[
                    f("vpc-id", &["vpc-1", "vpc-2"]),
                    f("availability-zone", &["eu-west-1a"])
                ]
            )
            .unwrap(),
            ["subnet-1", "subnet-3"]
        );
        assert_eq!(
            ids(&snap, &[f("tag:Name", &["private-*"])]).unwrap(),
            ["subnet-1"]
        );
        // `tag:` on a resource without the tag never matches, even with `*`.
        assert_eq!(
            ids(&snap, &[f("tag:Tier", &["*"])]).unwrap(),
            ["subnet-1", "subnet-2"]
        );
        assert_eq!(
            ids(&snap, &[f("tag-key", &["Ti?r"])]).unwrap(),
            ["subnet-1", "subnet-2"]
        );
        assert_eq!(
            ids(&snap, &[f("default-for-az", &["true"])]).unwrap(),
            ["subnet-3"]
        );
        assert_eq!(
            ids(&snap, &[f("defaultForAz", &["false"])]).unwrap(),
            ["subnet-1", "subnet-2"]
        );
        assert!(ids(&snap, &[f("vpc-id", &[])]).unwrap().is_empty());
        // A name this linter does not evaluate is reported, never guessed.
        assert_eq!(
            ids(
                &snap,
                &[f("vpc-id", &["vpc-1"]), f("ipv6-native", &["true"])]
            ),
            Err("ipv6-native".to_string())
        );
        assert_eq!(field(Kind::Vpc, "subnet-id"), None);
    }

    #[test]
    fn nested_fields_read_every_entry() {
        let tables = r#"{"RouteTables": [
            {"RouteTableId": "rtb-1", "VpcId": "vpc-1",
             "Associations": [{"Main": true, "RouteTableId": "rtb-1"}],
             "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]},
            {"RouteTableId": "rtb-2", "VpcId": "vpc-1",
             "Associations": [{"Main": false, "SubnetId": "subnet-1"},
                              {"Main": false, "SubnetId": "subnet-2"}],
             "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}]},
            {"RouteTableId": "rtb-3", "VpcId": "vpc-1", "Associations": []}
        ]}"#;
        let snap = super::super::snapshot_data::tests::snapshot(&[("rt.json", tables)]);
        let run = |filters: &[Filter]| -> Vec<String> {
            let c = compile(Kind::RouteTable, filters).unwrap();
            snap.all(Kind::RouteTable)
                .filter(|r| matches(r, &c))
                .map(|r| r.id.clone())
                .collect()
        };
        assert_eq!(run(&[f("association.subnet-id", &["subnet-2"])]), ["rtb-2"]);
        assert_eq!(run(&[f("association.main", &["true"])]), ["rtb-1"]);
        // As AWS documents: a table without associations is not returned for `false`.
        assert_eq!(run(&[f("association.main", &["false"])]), ["rtb-2"]);
        assert_eq!(run(&[f("route.nat-gateway-id", &["nat-*"])]), ["rtb-2"]);
    }
}
