//! VPC endpoints usable from a subnet: gateway endpoints (S3, DynamoDB) through the subnet's
//! route table, interface endpoints anywhere in the subnet's VPC. Whether an interface endpoint
//! admits the function (security groups, private DNS) is judged by other rules.

use crate::model::{EndpointId, EndpointType, Model, Pattern, Reason, SubnetId, Value};

use super::routing::EffectiveTable;

/// The service part of an endpoint service name: `com.amazonaws.us-east-1.ecr.api` → `ecr.api`,
/// `com.amazonaws.*.s3` → `s3`. `None` when the name is unknown in that part.
pub fn endpoint_service(name: &Pattern) -> Option<String> {
    let rest = name.text.strip_prefix("com.amazonaws.")?;
    // Global services have no region part: `com.amazonaws.iam`.
    let Some((region, service)) = rest.split_once('.') else {
        return (!rest.contains('*') && !rest.is_empty()).then(|| rest.to_string());
    };
    if service.contains('*') || region.is_empty() {
        return None;
    }
    Some(service.to_string())
}

/// Whether a service can be reached from `subnet` through an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointReach {
    Yes(EndpointId),
    No,
    Unknown(Reason),
}

/// Is there an endpoint usable from `subnet` whose service is one of `endpoint_names`
/// (e.g. `["ecr.api", "ecr.dkr"]`)?
pub fn reach(
    model: &Model,
    subnet: SubnetId,
    table: &Value<EffectiveTable>,
    endpoint_names: &[&str],
) -> EndpointReach {
    let vpc = &model.subnet(subnet).vpc.value;
    let mut unknown: Option<Reason> = None;
    for (i, e) in model.endpoints.iter().enumerate() {
        let id = EndpointId(i as u32);
        let service = match &e.service_name.value {
            Value::Known(p) => endpoint_service(p),
            Value::Unknown(_) => None,
        };
        let matches = match &service {
            Some(s) => endpoint_names.contains(&s.as_str()),
            None => {
                unknown.get_or_insert_with(|| {
                    Reason::new(format!(
                        "endpoint `{}` has an unknown service name",
                        e.meta.name
                    ))
                });
                continue;
            }
        };
        if !matches {
            continue;
        }
        let same_vpc = match (&e.vpc.value, vpc) {
            (Value::Known(a), Value::Known(b)) => a == b,
            _ => {
                unknown.get_or_insert_with(|| {
                    Reason::new(format!("endpoint `{}` may be in this VPC", e.meta.name))
                });
                continue;
            }
        };
        if !same_vpc {
            continue;
        }
        let kind = match &e.endpoint_type.value {
            Value::Known(k) => *k,
            Value::Unknown(r) => {
                unknown.get_or_insert_with(|| r.clone());
                continue;
            }
        };
        match kind {
            EndpointType::Interface => return EndpointReach::Yes(id),
            EndpointType::GatewayLoadBalancer => {}
            EndpointType::Gateway => {
                let table = match table {
                    Value::Known(EffectiveTable::Table(t, _)) => Some(*t),
                    // The implicit main table only ever holds the local route.
                    Value::Known(EffectiveTable::ImplicitMain(_)) => None,
                    Value::Unknown(r) => {
                        unknown.get_or_insert_with(|| r.clone());
                        continue;
                    }
                };
                let routed = table
                    .is_some_and(|t| e.route_tables.iter().any(|rt| rt.value == Value::Known(t)));
                if routed {
                    return EndpointReach::Yes(id);
                }
                if !e.associations_complete || e.route_tables.iter().any(|rt| !rt.value.is_known())
                {
                    unknown.get_or_insert_with(|| {
                        Reason::new(format!(
                            "route tables of endpoint `{}` are not all known",
                            e.meta.name
                        ))
                    });
                }
            }
        }
    }
    match unknown {
        Some(r) => EndpointReach::Unknown(r),
        None => EndpointReach::No,
    }
}

/// Can `service` (an IAM prefix such as `dynamodb`) be reached from `subnet` through an
/// endpoint? Uses the endpoint-services data; for a service the data does not list, any
/// endpoint the data cannot place makes the answer unknown.
pub fn service_reach(
    model: &Model,
    subnet: SubnetId,
    table: &Value<EffectiveTable>,
    service: &str,
) -> EndpointReach {
    if let Some(names) = crate::analysis::data::endpoints_for(service) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        return reach(model, subnet, table, &names);
    }
    let listed = |name: &str| {
        crate::analysis::data::endpoint_services()
            .services
            .iter()
            .any(|s| s.endpoints.iter().any(|e| e == name))
    };
    if let Some(e) = model.endpoints.iter().find(|e| {
        e.service_name
            .known()
            .and_then(endpoint_service)
            .is_none_or(|name| !listed(&name))
    }) {
        return EndpointReach::Unknown(Reason::new(format!(
            "endpoint `{}` may serve `{service}`, which the endpoint data does not list",
            e.meta.name
        )));
    }
    reach(model, subnet, table, &[service])
}

/// Gateway endpoints (S3, DynamoDB) for `service` in the subnet's VPC that are not associated
/// with the subnet's route table, when their associations are fully known.
pub fn unrouted_gateway_endpoints(
    model: &Model,
    subnet: SubnetId,
    table: &Value<EffectiveTable>,
    service: &str,
) -> Vec<EndpointId> {
    let vpc = &model.subnet(subnet).vpc.value;
    let Value::Known(table) = table else {
        return Vec::new();
    };
    let names = endpoint_names(service);
    model
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.endpoint_type.value == Value::Known(EndpointType::Gateway)
                && vpc.is_known()
                && e.vpc.value == *vpc
                && serves(e, &names)
                && e.associations_complete
                && e.route_tables.iter().all(|rt| rt.value.is_known())
                && !match table {
                    EffectiveTable::Table(t, _) => {
                        e.route_tables.iter().any(|rt| rt.value == Value::Known(*t))
                    }
                    EffectiveTable::ImplicitMain(_) => false,
                }
        })
        .map(|(i, _)| EndpointId(i as u32))
        .collect()
}

/// Interface endpoints for `service` in a VPC.
pub fn interface_endpoints(
    model: &Model,
    vpc: crate::model::VpcId,
    service: &str,
) -> Vec<EndpointId> {
    let names = endpoint_names(service);
    model
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.endpoint_type.value == Value::Known(EndpointType::Interface)
                && e.vpc.value == Value::Known(vpc)
                && serves(e, &names)
        })
        .map(|(i, _)| EndpointId(i as u32))
        .collect()
}

/// The endpoint service names of an IAM service prefix (the data's, else the prefix itself).
pub fn endpoint_names(service: &str) -> Vec<String> {
    crate::analysis::data::endpoints_for(service)
        .map(<[String]>::to_vec)
        .unwrap_or_else(|| vec![service.to_string()])
}

/// Does the endpoint serve one of `names`?
fn serves(e: &crate::model::Endpoint, names: &[String]) -> bool {
    e.service_name
        .known()
        .and_then(endpoint_service)
        .is_some_and(|s| names.contains(&s))
}
