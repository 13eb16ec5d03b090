# The private counterpart: subnets chosen with a wildcard tag filter, each routed through a
# NAT gateway in its own zone. Silent.
provider "aws" {
  region = "eu-west-1"
}

data "aws_vpc" "app" {
  filter {
    name   = "tag:Name"
    values = ["app"]
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.app.id]
  }

  filter {
    name   = "tag:Tier"
    values = ["priv*"]
  }
}

data "aws_security_groups" "fn" {
  tags = {
    app = "orders"
  }
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = data.aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = data.aws_subnets.private.ids
    security_group_ids = [data.aws_security_groups.fn.ids[0]]
  }
}

data "aws_iam_role" "fn" {
  name = "orders-vpc"
}
