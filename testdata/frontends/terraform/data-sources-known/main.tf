# Data sources whose result the files determine, and values unknown but certainly not null.

provider "aws" {
  region = "eu-west-1"
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

# Manages the VPC's default group: with no rules, it has none.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

# `service` is enough: the name is com.amazonaws.<the provider's region>.s3.
data "aws_vpc_endpoint_service" "s3" {
  for_each = toset(["s3"])
  service  = each.key
}

resource "aws_vpc_endpoint" "s3" {
  for_each          = data.aws_vpc_endpoint_service.s3
  vpc_id            = aws_vpc.main.id
  service_name      = each.value.service_name
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_security_group" "fn" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [aws_vpc_endpoint.s3["s3"]["prefix_list_id"]]
  }
}

# AWS managed policies read by ARN (any partition) and by name.
data "aws_iam_policy" "eni" {
  count = 1
  arn   = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

data "aws_iam_policy" "by_name" {
  name = "AWSLambdaVPCAccessExecutionRole"
}

data "aws_iam_policy" "mine" {
  name = "my-own-policy"
}

data "aws_iam_policy_document" "logs" {
  count = 1
  statement {
    actions   = ["logs:PutLogEvents"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:*:*"]
  }
}

data "aws_iam_policy_document" "per_table" {
  for_each = toset(["orders", "users"])
  statement {
    actions   = ["dynamodb:GetItem"]
    resources = ["arn:aws:dynamodb:*:*:table/${each.key}"]
  }
}

resource "aws_iam_role" "fn" {
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "eni" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy.eni[0].policy
}

resource "aws_iam_role_policy" "vpc" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy.by_name.policy
}

resource "aws_iam_role_policy" "mine" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy.mine.policy
}

resource "aws_iam_role_policy" "logs" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.logs[0].json
}

resource "aws_iam_role_policy" "users" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.per_table["users"].json
}

data "aws_subnets" "existing" {
  tags = { Tier = "private" }
}

# The module adds `vpc_config` only when its inputs are not null: a data source's ids, the
# default security group, a list of them are not, though they are unknown.
module "fn_existing" {
  source  = "./modules/fn"
  name    = "existing"
  role    = aws_iam_role.fn.arn
  subnets = data.aws_subnets.existing.ids
  groups  = [aws_vpc.main.default_security_group_id]
}

module "fn_local" {
  source  = "./modules/fn"
  name    = "local"
  role    = aws_iam_role.fn.arn
  subnets = [aws_subnet.a.id]
  groups  = [aws_security_group.fn.id]
}

# Not given: null, so no `vpc_config`.
module "fn_outside" {
  source = "./modules/fn"
  name   = "outside"
  role   = aws_iam_role.fn.arn
}

# A root variable without a value may be null: whether `vpc_config` exists is unknown, and the
# lowering then leaves the function out of the VPC functions rather than guess.
variable "maybe_subnets" {
  type = list(string)
}

module "fn_maybe" {
  source  = "./modules/fn"
  name    = "maybe"
  role    = aws_iam_role.fn.arn
  subnets = var.maybe_subnets
  groups  = [aws_security_group.fn.id]
}

variable "subnet_count" {
  type = number
}

resource "aws_subnet" "counted" {
  count      = var.subnet_count
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.128.0/17", 4, count.index)
}

locals {
  all_subnets = concat(data.aws_subnets.existing.ids, aws_subnet.counted[*].id)
}

# A splat over instances whose number is unknown is a list, and so is a `concat` of lists.
module "fn_splat" {
  source  = "./modules/fn"
  name    = "splat"
  role    = aws_iam_role.fn.arn
  subnets = aws_subnet.counted[*].id
  groups  = [aws_security_group.fn.id]
}

module "fn_concat" {
  source  = "./modules/fn"
  name    = "concat"
  role    = aws_iam_role.fn.arn
  subnets = local.all_subnets
  groups  = [aws_security_group.fn.id]
}
