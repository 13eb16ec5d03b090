# expect: none
# Default subnets, but the default VPC itself is not in the configuration: the
# subnets' VPC is unknown to the model.

variable "vpc_id" {
  type = string
}

resource "aws_security_group" "fn" {
  name   = "fn"
  vpc_id = var.vpc_id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

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
      aws_default_subnet.a.id,
      aws_default_subnet.b.id,
    ]
    security_group_ids = [aws_security_group.fn.id]
  }
}
