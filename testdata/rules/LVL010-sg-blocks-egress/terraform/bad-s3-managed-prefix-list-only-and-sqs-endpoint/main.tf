# The function writes to a bucket through the S3 gateway endpoint, and also sends to an SQS
# queue through an SQS interface endpoint. Its security group lets TCP 443 out only to S3's
# AWS-managed prefix list (read with `data "aws_ec2_managed_prefix_list"` and a
# `prefix-list-name` filter): S3's public addresses, which do not hold the interface endpoint's
# private addresses, so the SQS calls are blocked.

provider "aws" {
  region = "eu-west-1"
}

data "aws_ec2_managed_prefix_list" "s3" {
  filter {
    name   = "prefix-list-name"
    values = ["com.amazonaws.eu-west-1.s3"]
  }
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
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

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.intra[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_security_group" "lambda" {
  name   = "lambda-egress"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  security_group_id = aws_security_group.lambda.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.lambda.id]
  }
}

resource "aws_sqs_queue" "done" {
  name = "done"
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
    }, {
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = aws_sqs_queue.done.arn
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
      QUEUE_URL   = aws_sqs_queue.done.url
    }
  }

  vpc_config {
    subnet_ids         = aws_subnet.intra[*].id
    security_group_ids = [aws_security_group.lambda.id] # expect: LVL010
  }
}
