//! Fuzz target: the Terraform evaluator. The bytes build (see `gen.rs`) a module of four locals
//! whose expressions are calls of built-in functions, `for` expressions, templates, operators
//! and indexes over adversarial leaves (numbers on the edges of `f64`/`u128`, CIDR blocks,
//! format verbs, regular expressions), a variable with a default, and a VPC function whose
//! subnets, security groups and role name are those locals, so every value is evaluated,
//! lowered and (with `--strict`) its reason rendered. A panic, an LVL903, or a run that does
//! not finish under libFuzzer's `-rss_limit_mb`/`-timeout` is a crash.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

mod common;
mod gen;

fn module(u: &mut Unstructured) -> arbitrary::Result<String> {
    let mut locals = String::new();
    for name in ["a", "b", "c", "d"] {
        locals.push_str(&format!("  {name} = {}\n", gen::expr(u, 5, false)?));
    }
    let default = gen::expr(u, 2, false)?;
    Ok(format!(
        r#"variable "v" {{
  default = {default}
}}
locals {{
{locals}}}
resource "aws_subnet" "s" {{
  vpc_id     = "vpc-1"
  cidr_block = local.c
}}
resource "aws_lambda_function" "f" {{
  function_name = local.d
  role          = local.c
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "f.zip"
  vpc_config {{
    subnet_ids         = local.a
    security_group_ids = [local.b]
  }}
}}
"#
    ))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(text) = module(&mut u) {
        common::lint("main.tf", &text);
    }
});
