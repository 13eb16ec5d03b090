# As good-endpoints, but the endpoints' security group admits HTTPS only from another network
# (10.99.0.0/16, say a peered VPC): the function's calls to SQS are refused.

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
  version = "~> 6.0"

  name = local.name
  cidr = "10.0.0.0/16"

  azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  intra_subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
}

module "vpc_endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 6.0"

  vpc_id = module.vpc.vpc_id

  create_security_group      = true
  security_group_name_prefix = "${local.name}-endpoints-"
  security_group_description = "HTTPS into the interface endpoints"
  security_group_rules = {
    ingress_https = {
      description = "HTTPS from the shared-services VPC"
      cidr_blocks = ["10.99.0.0/16"]
    }
  }

  endpoints = {
    s3 = {
      service         = "s3"
      service_type    = "Gateway"
      route_table_ids = module.vpc.intra_route_table_ids
    }
    sqs = {
      service             = "sqs"
      private_dns_enabled = true
      subnet_ids          = module.vpc.intra_subnets
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

resource "aws_s3_bucket" "orders" {
  bucket_prefix = "orders-"
}

resource "aws_sqs_queue" "orders" {
  name = local.name
}

module "orders" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 8.0"

  function_name  = local.name
  handler        = "index.handler"
  runtime        = "python3.12"
  create_package = false

  local_existing_package = "${path.module}/build/orders.zip"

  vpc_subnet_ids         = module.vpc.intra_subnets
  vpc_security_group_ids = [module.lambda_sg.security_group_id]

  tracing_mode          = "Active"
  attach_tracing_policy = true

  environment_variables = {
    BUCKET    = aws_s3_bucket.orders.bucket
    QUEUE_URL = aws_sqs_queue.orders.url
  }

  attach_policy = true
  policy        = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

  attach_policy_statements = true
  policy_statements = {
    objects = {
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.orders.arn}/*"]
    }
    queue = {
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.orders.arn]
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
