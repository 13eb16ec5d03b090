# vpc 5.x and lambda 7.x: the role grants the ENI actions and no Deny conditioned on
# `lambda:SourceFunctionArn` keeps them from the function's own code.

provider "aws" {
  region = "eu-west-1"
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  name = "orders"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  name = local.name
  cidr = "10.0.0.0/16"

  azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  public_subnets  = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]

  enable_nat_gateway     = true
  one_nat_gateway_per_az = true
}

module "lambda_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 4.0"

  name        = "${local.name}-lambda"
  description = "HTTPS out of the orders function"
  vpc_id      = module.vpc.vpc_id

  egress_rules = ["https-443-tcp"]
}

resource "aws_sqs_queue" "orders" {
  name = local.name
}

module "orders" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name  = local.name
  handler        = "index.handler"
  runtime        = "python3.12"
  create_package = false

  local_existing_package = "${path.module}/build/orders.zip"

  vpc_subnet_ids         = module.vpc.private_subnets
  vpc_security_group_ids = [module.lambda_sg.security_group_id]

  environment_variables = {
    QUEUE_URL = aws_sqs_queue.orders.url
    DB_HOST   = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com"
  }

  attach_policy = true
  policy        = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

  attach_policy_statements = true
  policy_statements = {
    queue = {
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.orders.arn]
    }
  }
}
