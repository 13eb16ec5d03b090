# The function uses the default subnets of the default VPC.

resource "aws_security_group" "fn" {
  name   = "fn"
  vpc_id = aws_default_vpc.default.id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_default_vpc" "default" {}

resource "aws_default_subnet" "a" {
  availability_zone = "eu-west-1a"
}

resource "aws_default_subnet" "b" {
  availability_zone = "eu-west-1b"
}

resource "aws_iam_role" "fn" {
  name                = "fn"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids = [
      aws_default_subnet.a.id, # expect: ORG003
      aws_default_subnet.b.id, # expect: ORG003
    ]
    security_group_ids = [aws_security_group.fn.id]
  }
}
