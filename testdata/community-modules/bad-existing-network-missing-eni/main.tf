# A function attached to an existing network (subnets and security group read with data
# sources, unknown from the files but certainly not null, so the lambda module's
# `dynamic "vpc_config"` exists) with no ENI permissions.

provider "aws" {
  region = "eu-west-1"
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  name = "orders"
}

# The network exists already: subnets and security group are looked up.
data "aws_vpc" "main" {
  tags = { Name = "main" }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
  tags = { Tier = "private" }
}

data "aws_security_group" "lambda" {
  vpc_id = data.aws_vpc.main.id
  name   = "orders-lambda"
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

  vpc_subnet_ids         = data.aws_subnets.private.ids
  vpc_security_group_ids = [data.aws_security_group.lambda.id]

  environment_variables = {
    TABLE   = aws_dynamodb_table.orders.name
    DB_HOST = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com"
  }


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
