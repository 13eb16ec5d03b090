//! Derived facts, computed once per model and shared by the rules: per subnet, its route table
//! and internet egress; per VPC function, its role's effective permissions and the services it
//! uses. Pure: no I/O, no diagnostics. Every fact carries the proof steps that establish it.

pub mod data;
pub mod endpoints;
pub mod iam;
pub mod routing;
pub mod security_groups;
pub mod services;
pub mod zones;

use crate::model::{FunctionId, Model, SubnetId, Value};

use iam::RolePermissions;
use routing::{EffectiveTable, Egress};
use services::ServiceUse;

pub struct SubnetFacts {
    pub table: Value<EffectiveTable>,
    pub egress: Egress,
}

pub struct FunctionFacts {
    /// `None` when the role itself is unknown.
    pub permissions: Option<RolePermissions>,
    /// Every service the function uses; unknown when its role allows `*` or `service:*`.
    pub services: Value<Vec<ServiceUse>>,
    /// The services it provably uses, even when `services` is unknown: for the rules that
    /// decide each service on its own (one unknown must not silence the others).
    pub proven_services: Vec<ServiceUse>,
}

pub struct Facts<'a> {
    pub model: &'a Model,
    subnets: Vec<SubnetFacts>,
    functions: Vec<Option<FunctionFacts>>,
}

impl<'a> Facts<'a> {
    pub fn new(model: &'a Model) -> Self {
        let subnets = (0..model.subnets.len())
            .map(|i| {
                let id = SubnetId(i as u32);
                SubnetFacts {
                    table: routing::effective_table(model, id),
                    egress: routing::egress(model, id),
                }
            })
            .collect();
        let functions = model
            .functions
            .iter()
            .map(|f| {
                // A function on a capacity provider runs in the provider's VPC configuration:
                // the VPC-Lambda rules do not apply to it (LVL201 judges the provider).
                if f.capacity_provider.is_some() {
                    return None;
                }
                f.vpc_config.as_ref()?;
                let permissions = f.role.known().map(|r| iam::role_permissions(model, *r));
                let services = services::services_used(f, permissions.as_ref());
                let proven_services = services::proven_services(f, permissions.as_ref());
                Some(FunctionFacts {
                    permissions,
                    services,
                    proven_services,
                })
            })
            .collect();
        Facts {
            model,
            subnets,
            functions,
        }
    }

    pub fn subnet(&self, id: SubnetId) -> &SubnetFacts {
        &self.subnets[id.index()]
    }

    /// Facts of a VPC-attached function (`None` for functions outside a VPC).
    pub fn function(&self, id: FunctionId) -> Option<&FunctionFacts> {
        self.functions[id.index()].as_ref()
    }

    /// The VPC functions with their ids.
    pub fn vpc_functions(
        &self,
    ) -> impl Iterator<Item = (FunctionId, &'a crate::model::Function, &FunctionFacts)> + '_ {
        self.model
            .functions
            .iter()
            .enumerate()
            .filter_map(move |(i, f)| {
                self.functions[i]
                    .as_ref()
                    .map(|ff| (FunctionId(i as u32), f, ff))
            })
    }
}
