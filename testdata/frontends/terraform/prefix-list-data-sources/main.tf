# Prefix lists read with data sources, as security group peers: an AWS-managed list by name
# (region from the provider), by a `prefix-list-name` filter, by name with a region the files do
# not know, a gateway endpoint's list by `prefix_list_id`, a customer-managed list by name, one
# selected by tags only (existing infrastructure), and a literal id.

provider "aws" {
  region = "eu-west-1"
}

data "aws_region" "current" {}

data "aws_prefix_list" "s3" {
  name = "com.amazonaws.${data.aws_region.current.name}.s3"
}

data "aws_ec2_managed_prefix_list" "dynamodb" {
  filter {
    name   = "prefix-list-name"
    values = ["com.amazonaws.eu-west-1.dynamodb"]
  }
}

variable "region" {
  type = string
}

data "aws_prefix_list" "s3_elsewhere" {
  name = "com.amazonaws.${var.region}.s3"
}

data "aws_prefix_list" "of_endpoint" {
  prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id
}

data "aws_ec2_managed_prefix_list" "corp" {
  name = "corp-proxies"
}

data "aws_ec2_managed_prefix_list" "tagged" {
  tags = {
    Team = "network"
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
}

resource "aws_security_group" "lambda" {
  name   = "lambda"
  vpc_id = aws_vpc.main.id

  egress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    prefix_list_ids = [
      data.aws_prefix_list.s3.id,
      data.aws_ec2_managed_prefix_list.dynamodb.id,
      data.aws_prefix_list.s3_elsewhere.id,
      data.aws_prefix_list.of_endpoint.id,
      data.aws_ec2_managed_prefix_list.corp.id,
      data.aws_ec2_managed_prefix_list.tagged.id,
      "pl-6da54004",
    ]
  }
}
