# Subnets published by the network team in SSM as a StringList: the public ones. LVL001.
provider "aws" {
  region = "eu-west-1"
}

data "aws_ssm_parameter" "subnets" {
  name = "/network/public-subnets"
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = data.aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = split(",", nonsensitive(data.aws_ssm_parameter.subnets.value))
    security_group_ids = ["sg-0orders"]
  }
}

data "aws_iam_role" "fn" {
  name = "orders-vpc"
}
