# The terraform-aws-modules examples' pattern: the default VPC and all of its subnets, which
# are public (the main route table goes to the internet gateway): LVL001.
provider "aws" {
  region = "eu-west-1"
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "all" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_security_group" "default" {
  name   = "default"
  vpc_id = data.aws_vpc.default.id
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = data.aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = data.aws_subnets.all.ids
    security_group_ids = [data.aws_security_group.default.id]
  }
}

data "aws_iam_role" "fn" {
  name = "orders-vpc"
}
