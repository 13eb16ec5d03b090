# The network lives in another repository: the function finds its subnets by tag. These are
# the public ones (their route table sends 0.0.0.0/0 to an internet gateway): LVL001.
provider "aws" {
  region = "eu-west-1"
}

data "aws_vpc" "app" {
  tags = {
    Name = "app"
  }
}

data "aws_subnets" "public" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.app.id]
  }

  tags = {
    Tier = "public"
  }
}

data "aws_security_group" "fn" {
  name   = "orders-fn"
  vpc_id = data.aws_vpc.app.id
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = data.aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = data.aws_subnets.public.ids
    security_group_ids = [data.aws_security_group.fn.id]
  }
}

data "aws_iam_role" "fn" {
  name = "orders-vpc"
}
