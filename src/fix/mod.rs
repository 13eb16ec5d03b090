//! Fixes: rules describe them ([`FixIntent`], in AWS terms), the renderer of the unit's front end
//! prints them. One renderer per front end (`terraform`, `cloudformation`), and `plain` for a
//! front end with no syntax to edit (it describes the change in words and gives no edit).
//!
//! The renderer is chosen by the unit's front end (`Model::ecosystem`), not by each resource's
//! `Meta::kind`: one fix names several resources (a role, a function, subnets) and must be in
//! one language, the unit's. Rules never see which: they call `RuleContext::fix`.

mod cloudformation;
mod intent;
mod plain;
mod policy;
mod terraform;

pub use intent::{Attribute, EndpointPurpose, FixIntent, NewEndpoint, ResourceScope, Setting};

use crate::diagnostic::Edit;
use crate::model::{Ecosystem, Model};
use crate::source::SourceMap;

/// A fix as shown to the user: the text suggestion, and the exact edits when the fix replaces
/// something written (SARIF `fixes`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub text: Option<String>,
    pub edits: Vec<Edit>,
}

/// Renders an intent in the language of `model`'s front end. Sources are read for the syntax a
/// policy statement is written in (a new statement is written the same way) and for condition
/// values kept as written.
pub fn render(model: &Model, sources: &SourceMap, intent: &FixIntent) -> Rendered {
    // A change is made where its target is declared. A target whose kind is not a type of the
    // unit's language (a resource read from an account snapshot) has no syntax to edit here:
    // the fix is described in words, with no edit.
    if target_kind(model, intent).is_some_and(|kind| !declared_in(kind, model.ecosystem)) {
        return Rendered {
            text: plain::describe(intent),
            edits: Vec::new(),
        };
    }
    let text = match model.ecosystem {
        // A model without a front end (built by hand in tests) has always been shown in
        // Terraform.
        Some(Ecosystem::Terraform) | None => terraform::render(sources, intent),
        Some(Ecosystem::CloudFormation) => cloudformation::render(sources, intent),
    };
    Rendered {
        text,
        edits: edits(intent),
    }
}

/// The `Meta::kind` of the resource a fix changes, when the intent names one the model has.
fn target_kind<'m>(model: &'m Model, intent: &FixIntent) -> Option<&'m str> {
    fn find<'m, T>(
        all: &'m [T],
        meta: impl Fn(&T) -> &crate::model::Meta,
        name: &str,
    ) -> Option<&'m str> {
        all.iter()
            .map(meta)
            .find(|m| m.name == name)
            .map(|m| m.kind.as_str())
    }
    match intent {
        FixIntent::MoveToPrivateSubnets { function, .. }
        | FixIntent::AddSubnetInAnotherZone { function, .. } => {
            find(&model.functions, |f| &f.meta, function)
        }
        FixIntent::AddIpv6EgressRoute { subnet } => find(&model.subnets, |s| &s.meta, subnet),
        FixIntent::MakeNatGatewayPublic { nat } | FixIntent::AllocateNatElasticIp { nat } => {
            find(&model.gateways, |g| &g.meta, nat)
        }
        FixIntent::AddVpcEndpoint { vpc: Some(vpc), .. } => find(&model.vpcs, |v| &v.meta, vpc),
        FixIntent::SetAttributes { resource, .. } => find(&model.vpcs, |v| &v.meta, resource)
            .or_else(|| find(&model.endpoints, |e| &e.meta, resource)),
        FixIntent::AddEndpointRouteTable { endpoint, .. } => {
            find(&model.endpoints, |e| &e.meta, endpoint)
        }
        FixIntent::AttachManagedPolicy { role, .. } | FixIntent::AddDenyStatement { role, .. } => {
            find(&model.roles, |r| &r.meta, role)
        }
        // Statements are amended where they are written (their span); the rest add resources.
        _ => None,
    }
}

/// Is a resource of this kind written in the unit's language? Terraform types are `aws_*`,
/// CloudFormation types `Vendor::Service::Type` (SAM's and CDK's too).
fn declared_in(kind: &str, ecosystem: Option<Ecosystem>) -> bool {
    match ecosystem {
        Some(Ecosystem::Terraform) | None => kind.starts_with("aws_"),
        Some(Ecosystem::CloudFormation) => {
            kind.split("::").count() == 3 && !kind.contains(char::is_whitespace)
        }
    }
}

/// The plain-language description of an intent: what a front end without syntax (an account
/// snapshot) shows. No edits.
pub fn describe(intent: &FixIntent) -> Option<String> {
    plain::describe(intent)
}

/// A reference to a resource's id in the unit's language (the rule language's `ref` field).
pub fn reference(model: &Model, name: &str) -> String {
    match model.ecosystem {
        Some(Ecosystem::Terraform) | None => terraform::tf_ref(name, "id"),
        Some(Ecosystem::CloudFormation) => cloudformation::cfn_ref(name),
    }
}

/// Exact edits: a setting whose current value is written is replaced by the new value. A
/// boolean literal is spelled the same in HCL, YAML and JSON, so this is shared.
fn edits(intent: &FixIntent) -> Vec<Edit> {
    match intent {
        FixIntent::SetAttributes { settings, .. } => settings
            .iter()
            .filter_map(|s| {
                s.written_at.map(|span| Edit {
                    span,
                    replacement: s.value.to_string(),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Sentences every renderer shares: the fix's prose is about AWS, only its snippet is syntax.
mod prose {
    pub const PRIVATE_SUBNETS: &str = "Attach the function to private subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or that reach the services through VPC endpoints)";
    pub const TWO_ZONES: &str = "Attach the function to subnets in at least two availability zones (each with its own route to the services it needs)";
    pub const SG_EGRESS: &str = "Allow the traffic the function needs, e.g. TCP 443 towards 0.0.0.0/0 (through the NAT gateway), towards the interface endpoint's security group, or towards the gateway endpoint's prefix list.";
    pub const IPV6_EGRESS: &str = "Route IPv6 out through an egress-only internet gateway";
    pub const DENY_OWN_POLICY: &str = "Add a Deny that only the function's own calls match (the Lambda service's calls carry no `lambda:SourceFunctionArn`), in a policy of its own so that referencing the function makes no dependency cycle";
    pub const LIMIT_DENY: &str = "Make the Deny apply only to the function's own code: give it exactly this condition (the Lambda service's calls carry no `lambda:SourceFunctionArn`, so they are no longer denied). Keep it in a policy separate from the role's inline policies, so that referencing the function does not create a dependency cycle";
    pub const ENABLE_VPC_DNS: &str = "Enable DNS on the VPC";
    pub const MAIN_ROUTE_TABLE: &str = "the VPC's main route table";

    /// The sentence before a new endpoint's snippet.
    pub fn endpoint_lead(service: &str, purpose: &super::EndpointPurpose) -> String {
        match purpose {
            super::EndpointPurpose::Reach { alternative } => {
                format!("Add a VPC endpoint for {service} (or {alternative})")
            }
            super::EndpointPurpose::AvoidNatCharge => "Add a free gateway endpoint".to_string(),
        }
    }

    pub fn add_to_condition(arn: &str) -> String {
        format!("Add `{arn}` to the condition's values, so that the Deny covers this function's code too (or give the function a Deny of its own)")
    }

    pub fn use_operator(operator: &str, key: &str, effect: &str, why: &str) -> String {
        format!("Use `{operator}` for `{key}` in this {effect} statement: {why}. Negated operators follow the same rule (`ForAnyValue:StringNotEquals` in a Deny enforces an allow-list).")
    }
}

/// Indents every line after the first by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn model(ecosystem: Option<Ecosystem>) -> Model {
        Model {
            ecosystem,
            ..Model::default()
        }
    }

    /// One intent, three front ends: the unit's front end decides the language, and a boolean
    /// written in the source is an exact edit in any of them.
    #[test]
    fn the_units_front_end_prints_the_intent() {
        let mut sources = SourceMap::default();
        let text = "enable_dns_support = false";
        let file = sources.add(SourceFile::new(
            "main.tf".into(),
            "main.tf".into(),
            text.into(),
        ));
        let at = Span::new(file, 21..26);
        let intent = FixIntent::SetAttributes {
            resource: "aws_vpc.main".into(),
            settings: vec![Setting {
                attribute: Attribute::VpcDnsSupport,
                value: true,
                written_at: Some(at),
            }],
        };
        let tf = render(&model(Some(Ecosystem::Terraform)), &sources, &intent);
        assert_eq!(
            tf.text.as_deref(),
            Some("Enable DNS on the VPC:\n\nresource \"aws_vpc\" \"main\" {\n  ...\n  enable_dns_support = true\n}")
        );
        let cfn = render(&model(Some(Ecosystem::CloudFormation)), &sources, &intent);
        assert_eq!(
            cfn.text.as_deref(),
            Some("Enable DNS on the VPC:\n\n  Properties:\n    EnableDnsSupport: true")
        );
        let edit = Edit {
            span: at,
            replacement: "true".into(),
        };
        assert_eq!(tf.edits, cfn.edits);
        assert_eq!(cfn.edits, [edit]);
        assert_eq!(
            describe(&intent).as_deref(),
            Some("On `aws_vpc.main`, set DNS support to enabled.")
        );
        let cfn = model(Some(Ecosystem::CloudFormation));
        assert_eq!(reference(&cfn, "Vpc"), "!Ref Vpc");
        // The model holds no `aws_vpc.main`: nothing says it is declared elsewhere.
        assert!(render(&cfn, &sources, &intent)
            .text
            .unwrap()
            .contains("EnableDnsSupport"));
        assert_eq!(reference(&model(None), "aws_vpc.main"), "aws_vpc.main.id");
    }

    /// A resource read from somewhere else than the unit's files (an account snapshot) has no
    /// syntax to edit: the fix is words.
    #[test]
    fn a_target_of_another_kind_is_described_in_words() {
        let tf = Some(Ecosystem::Terraform);
        let cfn = Some(Ecosystem::CloudFormation);
        assert!(declared_in("aws_vpc", tf) && declared_in("aws_vpc", None));
        assert!(declared_in("AWS::EC2::VPC", cfn));
        assert!(declared_in("AWS::Serverless::Function", cfn));
        assert!(!declared_in("AWS::EC2::VPC", tf));
        assert!(!declared_in("aws_vpc", cfn));
        assert!(!declared_in("aws snapshot AWS::EC2::VPC", cfn));
        assert!(!declared_in("aws snapshot AWS::EC2::VPC", tf));
    }
}
