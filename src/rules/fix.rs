//! Building fixes in the user's own language from the names in their code.

use crate::model::{Ecosystem, Model};

/// A Terraform reference to an attribute of a resource address (`aws_subnet.a[0]` + `id` →
/// `aws_subnet.a[0].id`). Module-internal addresses cannot be referenced from outside the module,
/// so they are shown as a placeholder with the address in a comment.
pub fn tf_ref(address: &str, attr: &str) -> String {
    if address.starts_with("module.") {
        format!("<{attr} of {address}>")
    } else {
        format!("{address}.{attr}")
    }
}

/// The Terraform local name to use for a new resource derived from an address
/// (`aws_lambda_function.api` → `api`).
pub fn tf_name(address: &str) -> String {
    let last = address.rsplit('.').next().unwrap_or(address);
    let base: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    base.trim_matches('_').to_string()
}

/// A CloudFormation `!Ref` to a logical id; CDK construct paths are not logical ids, so they are
/// shown as a placeholder.
pub fn cfn_ref(name: &str) -> String {
    if name.contains('/') {
        format!("<Ref to {name}>")
    } else {
        format!("!Ref {name}")
    }
}

pub fn ecosystem(model: &Model) -> Ecosystem {
    model.ecosystem.unwrap_or(Ecosystem::Terraform)
}
