//! What security groups allow: TCP 443 out of the function towards a destination, and TCP 443
//! into an interface endpoint from the function. Three-valued: a rule list that is incomplete,
//! a prefix list whose addresses are not in the configuration, or a partial CIDR makes the
//! answer unknown, never "blocked".

use ipnet::Ipv4Net;

use super::endpoints::{endpoint_names, endpoint_service};
use crate::diagnostic::Step;
use crate::model::{
    Attr, EndpointId, EndpointType, Item, Model, Pattern, Peer, PrefixList, Reason,
    SecurityGroupId, SgRule, UnresolvedKind, Value,
};

/// Where the traffic goes (for egress) or comes from (for ingress).
#[derive(Debug, Clone)]
pub enum Party {
    /// The public endpoints of `service` (an IAM service prefix such as `sqs`), reached through
    /// a NAT gateway.
    Public { service: String },
    /// The public addresses of a gateway endpoint's service, which the endpoint routes: the
    /// AWS-managed prefix list of that service in the region.
    Gateway(EndpointId),
    /// Members of these security groups, or addresses in these CIDRs.
    Within {
        groups: Vec<SecurityGroupId>,
        cidrs: Vec<Ipv4Net>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    Yes(Step),
    No,
    Unknown(Reason),
}

/// The known security group ids of a list attribute, or why they are not known.
pub fn known_groups(
    list: &Attr<Vec<Item<SecurityGroupId>>>,
) -> Result<Vec<SecurityGroupId>, Reason> {
    let items = match &list.value {
        Value::Known(items) => items,
        Value::Unknown(r) => return Err(r.clone()),
    };
    if items.is_empty() {
        // An empty list means the VPC's default security group, which the run does not see.
        return Err(Reason::new(
            "no security groups listed: the VPC's default security group applies",
        ));
    }
    items
        .iter()
        .map(|i| match &i.value {
            Value::Known(g) => Ok(*g),
            Value::Unknown(r) => Err(r.clone()),
        })
        .collect()
}

/// Does the rule's protocol and port range admit TCP 443? `None` when unknown.
fn admits_tcp_443(rule: &SgRule) -> Option<bool> {
    let proto = rule.protocol.known()?;
    match proto.as_str() {
        "-1" | "all" => Some(true),
        "tcp" | "6" => {
            let (from, to) = (*rule.from_port.known()?, *rule.to_port.known()?);
            Some(from <= 443 && 443 <= to)
        }
        _ => Some(false),
    }
}

/// Does the rule's peer cover `party`? `None` when unknown.
fn peer_covers(model: &Model, rule: &SgRule, party: &Party) -> Option<bool> {
    let peer = rule.peer.known()?;
    match (peer, party) {
        (Peer::V4(net), Party::Public { .. } | Party::Gateway(_)) => {
            if net.prefix_len() == 0 {
                Some(true)
            } else if is_private(net) {
                Some(false)
            } else {
                // Part of the public space: AWS endpoints may or may not be inside.
                None
            }
        }
        (Peer::V4(net), Party::Within { cidrs, .. }) => {
            if net.prefix_len() == 0 {
                Some(true)
            } else if cidrs.is_empty() {
                None
            } else {
                Some(cidrs.iter().all(|c| net.contains(c)))
            }
        }
        (Peer::V6(_), _) => Some(false),
        (Peer::SecurityGroup(g), Party::Within { groups, .. }) => match g {
            Value::Known(g) => Some(groups.contains(g)),
            Value::Unknown(_) => None,
        },
        (Peer::SecurityGroup(_), Party::Public { .. } | Party::Gateway(_)) => Some(false),
        (Peer::PrefixList(PrefixList::OfEndpoint(listed)), party) => {
            endpoint_list_covers(model, *listed, party)
        }
        (Peer::PrefixList(PrefixList::AwsManaged(name)), party) => {
            service_list_covers(model, name, &endpoint_service(name)?, None, party)
        }
        // A literal id or a customer-managed list: its addresses are not in the configuration.
        (Peer::PrefixList(PrefixList::Other(_)), _) => None,
    }
}

/// Does the prefix list of endpoint `listed` cover `party`? The list of a gateway endpoint
/// holds its service's public addresses in the region and nothing else: it covers the traffic
/// that endpoint routes, and not the private addresses of an interface endpoint nor the public
/// endpoints of another service. `None` when the endpoint's type or service is unknown (or it
/// is not a gateway endpoint: only those have the AWS-managed list), and for the same service
/// reached through a NAT gateway (which region it calls is not in the configuration).
fn endpoint_list_covers(model: &Model, listed: EndpointId, party: &Party) -> Option<bool> {
    let (name, service) = gateway_service(model, listed)?;
    service_list_covers(model, name, &service, Some(listed), party)
}

/// Does the AWS-managed prefix list `name` of `service` (the list of endpoint `of`, when it is
/// named by an endpoint) cover `party`? One service in one region has one AWS-managed list:
/// the list covers the traffic every gateway endpoint of that exact service name routes.
fn service_list_covers(
    model: &Model,
    name: &Pattern,
    service: &str,
    of: Option<EndpointId>,
    party: &Party,
) -> Option<bool> {
    match party {
        Party::Gateway(e) if Some(*e) == of => Some(true),
        Party::Gateway(e) => {
            let (other_name, other_service) = gateway_service(model, *e)?;
            if other_service != service {
                Some(false)
            } else if name.exact && other_name.exact && name.text == other_name.text {
                // One service in one region has one AWS-managed list, whichever endpoint.
                Some(true)
            } else {
                None
            }
        }
        Party::Public { service: used } => {
            if endpoint_names(used).iter().any(|n| n == service) {
                None
            } else {
                Some(false)
            }
        }
        // An interface endpoint's addresses are in its subnets: private ones are in no list of
        // public addresses.
        Party::Within { cidrs, .. } => {
            (!cidrs.is_empty() && cidrs.iter().all(is_private)).then_some(false)
        }
    }
}

/// The service name and service of a gateway endpoint, when both its type and its service are
/// known.
pub fn gateway_service(model: &Model, e: EndpointId) -> Option<(&Pattern, String)> {
    let ep = model.endpoint(e);
    if ep.endpoint_type.value != Value::Known(EndpointType::Gateway) {
        return None;
    }
    let name = ep.service_name.known()?;
    Some((name, endpoint_service(name)?))
}

fn is_private(net: &Ipv4Net) -> bool {
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
    ]
    .iter()
    .any(|p| p.parse::<Ipv4Net>().is_ok_and(|p| p.contains(net)))
}

/// Do the groups' rules in one direction admit TCP 443 for `party`?
pub fn covers(model: &Model, groups: &[SecurityGroupId], egress: bool, party: &Party) -> Cover {
    if let Some(u) = model
        .unresolved
        .iter()
        .find(|u| u.what == UnresolvedKind::SecurityGroup)
    {
        return Cover::Unknown(u.reason.clone());
    }
    let mut unknown: Option<Reason> = None;
    for g in groups {
        let sg = model.security_group(*g);
        let rules = if egress { &sg.egress } else { &sg.ingress };
        if let Some(r) = &rules.incomplete {
            unknown.get_or_insert_with(|| r.clone());
        }
        for rule in &rules.rules {
            match (admits_tcp_443(rule), peer_covers(model, rule, party)) {
                (Some(true), Some(true)) => {
                    return Cover::Yes(Step {
                        span: rule.span,
                        text: format!(
                            "security group `{}` allows TCP 443 {}",
                            sg.meta.name,
                            if egress { "out" } else { "in" }
                        ),
                    })
                }
                (Some(false), _) | (_, Some(false)) => {}
                _ => {
                    unknown.get_or_insert_with(|| {
                        Reason::new(format!(
                            "a rule of security group `{}` could not be judged",
                            sg.meta.name
                        ))
                    });
                }
            }
        }
    }
    match unknown {
        Some(r) => Cover::Unknown(r),
        None => Cover::No,
    }
}

/// The egress rules of `groups` that admit TCP 443 to a gateway endpoint's prefix list or an
/// AWS-managed list of a service, as proof
/// steps that say whose addresses the list holds: why such a rule covers no other destination.
pub fn endpoint_list_steps(model: &Model, groups: &[SecurityGroupId]) -> Vec<Step> {
    let mut out = Vec::new();
    for g in groups {
        let sg = model.security_group(*g);
        for rule in &sg.egress.rules {
            let (list, service) = match rule.peer.known() {
                Some(Peer::PrefixList(PrefixList::OfEndpoint(e))) => {
                    let Some((_, service)) = gateway_service(model, *e) else {
                        continue;
                    };
                    let list = format!(
                        "the prefix list of gateway endpoint `{}`",
                        model.endpoint(*e).meta.name
                    );
                    (list, service)
                }
                Some(Peer::PrefixList(PrefixList::AwsManaged(name))) => {
                    let Some(service) = endpoint_service(name) else {
                        continue;
                    };
                    (
                        format!("the AWS-managed prefix list `{}`", name.text),
                        service,
                    )
                }
                _ => continue,
            };
            if admits_tcp_443(rule) == Some(true) {
                out.push(Step {
                    span: rule.span,
                    text: format!(
                        "security group `{}` allows TCP 443 out to {list}, which holds only {service}'s public addresses",
                        sg.meta.name,
                    ),
                });
            }
        }
    }
    out
}

/// True when the groups have no egress rule at all (and every list is complete). CDK's "disallow
/// all traffic" placeholder (ICMP type 252 code 86 to 255.255.255.255/32) counts as none.
pub fn no_egress_at_all(model: &Model, groups: &[SecurityGroupId]) -> bool {
    !model
        .unresolved
        .iter()
        .any(|u| u.what == UnresolvedKind::SecurityGroup)
        && groups.iter().all(|g| {
            let sg = model.security_group(*g);
            sg.egress.incomplete.is_none() && sg.egress.rules.iter().all(is_cdk_placeholder)
        })
}

fn is_cdk_placeholder(rule: &SgRule) -> bool {
    rule.protocol
        .known()
        .is_some_and(|p| p == "icmp" || p == "1")
        && rule.from_port.known() == Some(&252)
        && rule.to_port.known() == Some(&86)
        && matches!(rule.peer.known(), Some(Peer::V4(n)) if n.prefix_len() == 32 && n.addr().octets() == [255, 255, 255, 255])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Meta, VpcId};
    use crate::source::{FileId, Span};

    fn endpoint(service: &str, kind: Value<EndpointType>) -> Endpoint {
        let span = Span::new(FileId(0), 0..1);
        Endpoint {
            meta: Meta {
                name: service.into(),
                kind: "aws_vpc_endpoint".into(),
                span,
            },
            vpc: Attr::explicit(Value::Known(VpcId(0)), span),
            service_name: Attr::explicit(Value::Known(Pattern::exact(service)), span),
            endpoint_type: Attr::explicit(kind, span),
            route_tables: Vec::new(),
            subnets: Vec::new(),
            security_groups: Vec::new(),
            private_dns: Attr::explicit(Value::Known(false), span),
            associations_complete: true,
        }
    }

    /// Endpoints 0 and 1: S3 gateway endpoints of one region; 2: DynamoDB's; 3: an S3 gateway
    /// endpoint of another region; 4: of unknown type; 5: an S3 interface endpoint.
    fn model() -> Model {
        let gw = || Value::Known(EndpointType::Gateway);
        Model {
            endpoints: vec![
                endpoint("com.amazonaws.eu-west-1.s3", gw()),
                endpoint("com.amazonaws.eu-west-1.s3", gw()),
                endpoint("com.amazonaws.eu-west-1.dynamodb", gw()),
                endpoint("com.amazonaws.us-east-1.s3", gw()),
                endpoint(
                    "com.amazonaws.eu-west-1.s3",
                    Value::unknown("`type` unknown"),
                ),
                endpoint(
                    "com.amazonaws.eu-west-1.s3",
                    Value::Known(EndpointType::Interface),
                ),
            ],
            ..Model::default()
        }
    }

    fn covers(listed: u32, party: &Party) -> Option<bool> {
        endpoint_list_covers(&model(), EndpointId(listed), party)
    }

    #[test]
    fn a_gateway_list_covers_its_own_endpoint_and_the_same_service_in_the_region() {
        assert_eq!(covers(0, &Party::Gateway(EndpointId(0))), Some(true));
        assert_eq!(covers(0, &Party::Gateway(EndpointId(1))), Some(true));
        assert_eq!(covers(0, &Party::Gateway(EndpointId(2))), Some(false));
        // Another region's S3 list: not known to be the same list.
        assert_eq!(covers(0, &Party::Gateway(EndpointId(3))), None);
    }

    #[test]
    fn a_gateway_list_covers_no_other_service_and_no_private_address() {
        let public = |s: &str| Party::Public { service: s.into() };
        assert_eq!(covers(0, &public("sqs")), Some(false));
        // The same service through a NAT gateway: which region it calls is not known.
        assert_eq!(covers(0, &public("s3")), None);
        let within = |cidrs: &[&str]| Party::Within {
            groups: Vec::new(),
            cidrs: cidrs.iter().map(|c| c.parse().unwrap()).collect(),
        };
        assert_eq!(covers(0, &within(&["10.0.1.0/24"])), Some(false));
        assert_eq!(covers(0, &within(&["52.0.1.0/24"])), None);
        assert_eq!(covers(0, &within(&[])), None);
    }

    #[test]
    fn the_list_of_an_endpoint_not_known_as_a_gateway_one_is_unknown() {
        for listed in [4, 5] {
            assert_eq!(covers(listed, &Party::Gateway(EndpointId(0))), None);
            assert_eq!(
                covers(
                    listed,
                    &Party::Public {
                        service: "sqs".into()
                    }
                ),
                None
            );
        }
    }

    fn managed(name: &str, exact: bool, party: &Party) -> Option<bool> {
        let name = Pattern {
            text: name.into(),
            exact,
        };
        let service = endpoint_service(&name)?;
        service_list_covers(&model(), &name, &service, None, party)
    }

    #[test]
    fn an_aws_managed_list_covers_the_gateway_endpoints_of_its_service_and_region() {
        let s3 = "com.amazonaws.eu-west-1.s3";
        assert_eq!(
            managed(s3, true, &Party::Gateway(EndpointId(0))),
            Some(true)
        );
        assert_eq!(
            managed(s3, true, &Party::Gateway(EndpointId(1))),
            Some(true)
        );
        assert_eq!(
            managed(s3, true, &Party::Gateway(EndpointId(2))),
            Some(false)
        );
        assert_eq!(managed(s3, true, &Party::Gateway(EndpointId(3))), None);
        // Not known as a gateway endpoint: unknown, never blocked.
        assert_eq!(managed(s3, true, &Party::Gateway(EndpointId(4))), None);
        // The region unknown: maybe another region's list.
        let any = "com.amazonaws.*.s3";
        assert_eq!(managed(any, false, &Party::Gateway(EndpointId(0))), None);
        assert_eq!(
            managed(any, false, &Party::Gateway(EndpointId(2))),
            Some(false)
        );
        let public = |s: &str| Party::Public { service: s.into() };
        assert_eq!(managed(s3, true, &public("sqs")), Some(false));
        assert_eq!(managed(s3, true, &public("s3")), None);
        // A name whose service is unknown decides nothing.
        assert_eq!(
            managed("com.amazonaws.eu-west-1.*", false, &public("sqs")),
            None
        );
    }
}
