# As good-azs-from-data-source (zones from `data.aws_availability_zones`), but the function is
# attached to the public subnets.

provider "aws" {
  region = "eu-west-1"
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {}

locals {
  name     = "orders"
  vpc_cidr = "10.0.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"

  name = local.name
  cidr = local.vpc_cidr

  azs             = local.azs
  private_subnets = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]
  public_subnets  = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 8, k + 48)]

  enable_nat_gateway     = true
  one_nat_gateway_per_az = true
}

# DynamoDB through a free gateway endpoint rather than the NAT gateways.
module "vpc_endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 6.0"

  vpc_id = module.vpc.vpc_id

  endpoints = {
    dynamodb = {
      service         = "dynamodb"
      service_type    = "Gateway"
      route_table_ids = module.vpc.private_route_table_ids
    }
  }
}

module "lambda_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 4.0"

  name        = "${local.name}-lambda"
  description = "HTTPS out of the orders function"
  vpc_id      = module.vpc.vpc_id

  egress_rules = ["https-443-tcp"]
}

resource "aws_dynamodb_table" "orders" {
  name         = local.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

module "orders" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 8.0"

  function_name  = local.name
  handler        = "index.handler"
  runtime        = "python3.12"
  create_package = false

  local_existing_package = "${path.module}/build/orders.zip"

  vpc_subnet_ids         = module.vpc.public_subnets
  vpc_security_group_ids = [module.lambda_sg.security_group_id]

  environment_variables = {
    TABLE   = aws_dynamodb_table.orders.name
    DB_HOST = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com"
  }

  attach_policy = true
  policy        = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

  attach_policy_statements = true
  policy_statements = {
    table = {
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
      resources = [aws_dynamodb_table.orders.arn]
    }
    code_eni = {
      effect = "Deny"
      actions = [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DetachNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      resources = ["*"]
      condition = {
        source_function = {
          test     = "ArnEquals"
          variable = "lambda:SourceFunctionArn"
          values   = ["arn:aws:lambda:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:function:${local.name}"]
        }
      }
    }
  }
}
