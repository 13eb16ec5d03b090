# The subnets are in VPC main, two security groups in VPC other: one finding naming both.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_security_group" "fn" {
  name   = "fn"
  vpc_id = aws_vpc.main.id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "other" {
  name   = "other"
  vpc_id = aws_vpc.other.id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "other_b" {
  name   = "other-b"
  vpc_id = aws_vpc.other.id
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
      aws_subnet.a.id,
      aws_subnet.b.id,
    ]
    security_group_ids = [
      aws_security_group.fn.id,
      aws_security_group.other.id, # expect: LVL014
      aws_security_group.other_b.id,
    ]
  }
}
