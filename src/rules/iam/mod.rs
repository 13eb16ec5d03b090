//! IAM rules: the execution role of a VPC function, and condition keys in any policy.

pub mod code_ec2_deny_wrong_function;
mod common;
pub mod eni_deny_blocks_service;
pub mod eni_permission_scope;
pub mod missing_code_ec2_deny;
pub mod missing_eni_permissions;
pub mod vpc_condition_key_operator;
