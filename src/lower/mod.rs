//! The shared lowering: one implementation per AWS concept, used by every front end.
//!
//! A front end keeps what is its own (parsing, evaluation, instances and conditions, naming)
//! and adapts what it evaluated to the neutral [`value::Spanned`] tree and to small views of
//! "a resource of this AWS type with these properties" ([`lambda::FunctionView`], …). The code
//! here decides what those values mean in the model, once, so that the same infrastructure
//! written in Terraform or CloudFormation gives the same model (`tests/frontend_parity.rs`).
//!
//! Concepts lowered here: IAM policy documents, roles, policies and attachments ([`iam`]);
//! Lambda functions, capacity providers and event sources ([`lambda`]); security groups and
//! their rules ([`security_group`]); VPCs and subnets ([`network`]); route tables, routes and
//! gateways, VPC endpoints ([`routing`]).

pub mod iam;
pub mod lambda;
pub mod network;
pub mod routing;
pub mod security_group;
pub mod value;

use crate::model::*;

/// The arenas of the shared concepts while a unit is lowered. Ids are reserved before anything
/// is lowered and filled in any order ([`Slots`]); [`Builder::finish`] checks that every
/// reserved id was filled and moves everything into the model.
#[derive(Debug, Default)]
pub struct Builder {
    pub functions: Slots<Function>,
    pub roles: Slots<Role>,
    pub policies: Slots<Policy>,
    pub capacity_providers: Slots<CapacityProvider>,
    pub security_groups: Slots<SecurityGroup>,
    pub vpcs: Slots<Vpc>,
    pub subnets: Slots<Subnet>,
    pub route_tables: Slots<RouteTable>,
    pub gateways: Slots<Gateway>,
    pub endpoints: Slots<Endpoint>,
    pub attachments: Vec<PolicyAttachment>,
    pub unresolved: Vec<Unresolved>,
}

impl Builder {
    /// Takes the shared arenas out of a model that may already hold entities (other templates
    /// of the run): new ids continue after them.
    pub fn take(model: &mut Model) -> Self {
        Builder {
            functions: Slots::from_existing(std::mem::take(&mut model.functions)),
            roles: Slots::from_existing(std::mem::take(&mut model.roles)),
            policies: Slots::from_existing(std::mem::take(&mut model.policies)),
            capacity_providers: Slots::from_existing(std::mem::take(&mut model.capacity_providers)),
            security_groups: Slots::from_existing(std::mem::take(&mut model.security_groups)),
            vpcs: Slots::from_existing(std::mem::take(&mut model.vpcs)),
            subnets: Slots::from_existing(std::mem::take(&mut model.subnets)),
            route_tables: Slots::from_existing(std::mem::take(&mut model.route_tables)),
            gateways: Slots::from_existing(std::mem::take(&mut model.gateways)),
            endpoints: Slots::from_existing(std::mem::take(&mut model.endpoints)),
            attachments: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    pub fn finish(self, model: &mut Model) {
        model.functions = self.functions.finish("function");
        model.roles = self.roles.finish("role");
        model.policies = self.policies.finish("policy");
        model.capacity_providers = self.capacity_providers.finish("capacity provider");
        model.security_groups = self.security_groups.finish("security group");
        model.vpcs = self.vpcs.finish("VPC");
        model.subnets = self.subnets.finish("subnet");
        model.route_tables = self.route_tables.finish("route table");
        model.gateways = self.gateways.finish("gateway");
        model.endpoints = self.endpoints.finish("endpoint");
        model.policy_attachments.extend(self.attachments);
        model.unresolved.extend(self.unresolved);
    }
}
