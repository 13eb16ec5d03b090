# The public subnets come from a registry module that `terraform init` downloaded; the
# finding exists only because .terraform/modules/modules.json is followed.

module "vpc" {
  source  = "example-org/vpc/aws"
  version = "~> 5.0"

  cidr = "10.30.0.0/16"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = module.vpc.public_subnets # expect: LVL001
    security_group_ids = [module.vpc.default_security_group_id]
  }
}
