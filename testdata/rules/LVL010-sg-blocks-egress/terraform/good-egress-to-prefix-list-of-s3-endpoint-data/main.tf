# expect: none
# The function's security group lets TCP 443 out only to the prefix list read with
# `data "aws_prefix_list"` from the S3 gateway endpoint's own `prefix_list_id`: that endpoint's
# list, which covers the S3 traffic the endpoint routes. The function is verified.

provider "aws" {
  region = "eu-west-1"
}

data "aws_prefix_list" "s3" {
  prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "intra" {
  count = 2

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 1)
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

resource "aws_route_table" "intra" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "intra" {
  count = 2

  subnet_id      = aws_subnet.intra[count.index].id
  route_table_id = aws_route_table.intra.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.intra.id]
}

resource "aws_security_group" "lambda" {
  name   = "lambda-egress"
  vpc_id = aws_vpc.main.id

  egress {
    description     = "HTTPS to S3 through the gateway endpoint"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [data.aws_prefix_list.s3.id]
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = "reports"
}

resource "aws_iam_role" "fn" {
  name = "writer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "vpc" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "write" {
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject"]
      Resource = "${aws_s3_bucket.reports.arn}/*"
    }]
  })
}

resource "aws_lambda_function" "writer" {
  function_name = "writer"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  filename      = "app.zip"

  environment {
    variables = {
      BUCKET_NAME = aws_s3_bucket.reports.id
    }
  }

  vpc_config {
    subnet_ids         = aws_subnet.intra[*].id
    security_group_ids = [aws_security_group.lambda.id]
  }
}
