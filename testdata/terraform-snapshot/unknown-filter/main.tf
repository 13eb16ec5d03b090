# A filter this linter does not evaluate: the subnets stay unknown (never a guess), so the
# function is silent and listed as not verified.
provider "aws" {
  region = "eu-west-1"
}

data "aws_subnets" "public" {
  filter {
    name   = "map-customer-owned-ip-on-launch"
    values = ["false"]
  }

  tags = {
    Tier = "public"
  }
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = data.aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = data.aws_subnets.public.ids
    security_group_ids = ["sg-0orders"]
  }
}

data "aws_iam_role" "fn" {
  name = "orders-vpc"
}
