//! lambda-vpc-lint: finds the mistakes people make when they attach AWS Lambda functions to a
//! VPC, in Terraform and CloudFormation/SAM/CDK, before they deploy.
//!
//! Pipeline (one way): discover → parse → load (front ends) → [`model::Model`] → analyze
//! (facts) → check (rules) → sort → report. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod fix;
pub mod frontend;
pub mod graph;
pub mod lower;
pub mod model;
pub mod outcome;
pub mod panic_guard;
pub mod paths;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod server;
pub mod source;
pub mod suggest;
pub mod syntax;

pub use engine::{lint, Options};
pub use outcome::Report;
