# Subnets read from SSM Parameter Store through a data source.
data "aws_ssm_parameter" "subnets" { # lvl906-declared
  name = "/network/private-subnets"
}

resource "aws_iam_role" "fn" {
  name = "fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_security_group" "fn" {
  name   = "fn"
  vpc_id = "vpc-0123456789abcdef0"
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = split(",", data.aws_ssm_parameter.subnets.value) # lvl906: data.aws_ssm_parameter.subnets
    security_group_ids = [aws_security_group.fn.id]
  }
}
