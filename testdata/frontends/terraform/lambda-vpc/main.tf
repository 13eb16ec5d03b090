resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.9.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id          = aws_vpc.v.id
  cidr_block      = "10.9.2.0/24"
  ipv6_cidr_block = "2600:1f18:0:2::/64"
}

resource "aws_security_group" "fn" {
  vpc_id = aws_vpc.v.id
}

resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
}

resource "aws_s3_bucket" "files" {
  bucket = "files"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"

  vpc_config {
    subnet_ids                  = [aws_subnet.a.id, aws_subnet.b.id]
    security_group_ids          = [aws_security_group.fn.id]
    ipv6_allowed_for_dual_stack = true
  }

  environment {
    variables = {
      TABLE  = aws_dynamodb_table.orders.name
      BUCKET = "${aws_s3_bucket.files.bucket}"
      STAGE  = "prod"
    }
  }
  filename      = "fn.zip"
}

resource "aws_lambda_function" "plain" {
  function_name = "plain"
  role          = "arn:aws:iam::123456789012:role/existing"
  filename      = "fn.zip"
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.api.arn
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/s"
  function_name    = aws_lambda_function.api.function_name
}
