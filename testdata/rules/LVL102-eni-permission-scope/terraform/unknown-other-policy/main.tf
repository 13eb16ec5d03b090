# expect: none
# Describe is scoped here, but a customer managed policy outside the files may allow it on "*".

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_security_group" "fn" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "eni" {
  statement {
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
    ]
    resources = ["arn:aws:ec2:eu-west-1:123456789012:*"]
  }
}

resource "aws_iam_role_policy" "eni" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.eni.json
}

resource "aws_iam_role_policy_attachment" "shared" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::123456789012:policy/shared-lambda-vpc"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.fn.id]
  }
}
