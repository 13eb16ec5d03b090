# A registry module followed through .terraform/modules/modules.json (as `terraform init`
# writes it), and a git module that was not downloaded: its outputs stay unknown.

module "vpc" {
  source  = "example-org/vpc/aws"
  version = "~> 5.0"

  cidr = "10.30.0.0/16"
}

module "not_downloaded" {
  source = "git::https://example.com/modules/network.git?ref=v1.0.0"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = concat(module.vpc.public_subnets, module.not_downloaded.subnet_ids)
    security_group_ids = [module.vpc.default_security_group_id]
  }
}
