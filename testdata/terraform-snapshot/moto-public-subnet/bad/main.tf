# Against the moto-made account testdata/snapshots/public-subnet/: the shared VPC and its
# subnets found by their Name tags (the public ones). LVL001.
provider "aws" {
  region = "eu-west-1"
}

data "aws_vpc" "shared" {
  tags = {
    Name = "shared-vpc"
  }
}

data "aws_subnets" "selected" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.shared.id]
  }

  filter {
    name   = "tag:Name"
    values = ["shared-public-*"]
  }
}

data "aws_security_group" "lambda" {
  vpc_id = data.aws_vpc.shared.id

  filter {
    name   = "group-name"
    values = ["shared-lambda"]
  }
}

resource "aws_iam_role" "app" {
  name = "orders-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "app" {
  function_name = "orders-app"
  role          = aws_iam_role.app.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = data.aws_subnets.selected.ids
    security_group_ids = [data.aws_security_group.lambda.id]
  }
}
