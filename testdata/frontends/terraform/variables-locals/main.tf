variable "cidr" {
  type    = string
  default = "172.16.0.0/16"
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "enable_public" {
  type    = bool
  default = false
}

variable "region" {
  type = string
}

locals {
  name        = "demo"
  public_cidr = cidrsubnet(var.cidr, 4, 0)
  subnet_cidr = var.enable_public ? local.public_cidr : cidrsubnet(var.cidr, 4, 1)
  loop_a      = local.loop_b
  loop_b      = local.loop_a
  tier        = var.region == "us-east-1" ? "primary" : "secondary"
}

resource "aws_vpc" "main" {
  cidr_block         = var.cidr
  enable_dns_support = !var.enable_public
  instance_tenancy   = local.loop_a
}

resource "aws_subnet" "chosen" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = local.subnet_cidr
  availability_zone = "${var.region}a"
}

resource "aws_subnet" "tiered" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "172.16.${local.tier == "primary" ? 32 : 48}.0/20"
  availability_zone = format("%s-%s", local.name, "az")
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.${var.region}.s3"
}

resource "aws_lambda_function" "fn" {
  function_name = local.name
  role          = var.role_arn
  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = []
  }
  filename      = "fn.zip"
}
