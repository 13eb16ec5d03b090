# Three functions, three classic mistakes.

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# 1. "webhook" is attached to a private subnet and a public one: its ENI in the public subnet
#    gets no public IP, so invocations that land there cannot call out.
resource "aws_iam_role" "webhook" {
  name                = "webhook"
  assume_role_policy  = data.aws_iam_policy_document.assume_lambda.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
}

resource "aws_lambda_function" "webhook" {
  function_name = "webhook"
  role          = aws_iam_role.webhook.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "webhook.zip"

  vpc_config {
    subnet_ids = [
      aws_subnet.private_a.id,
      aws_subnet.public_b.id,
    ]
    security_group_ids = [aws_security_group.lambda.id]
  }
}

# 2. "orders" writes to DynamoDB from the isolated subnets: no NAT route, and the only endpoint
#    there is for S3.
resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_iam_role" "orders" {
  name               = "orders"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy_attachment" "orders_vpc" {
  role       = aws_iam_role.orders.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "orders" {
  role = aws_iam_role.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:PutItem", "dynamodb:GetItem", "s3:PutObject"]
      Resource = "*"
    }]
  })
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "orders.zip"

  environment {
    variables = {
      TABLE = aws_dynamodb_table.orders.name
    }
  }

  vpc_config {
    subnet_ids         = [aws_subnet.isolated_a.id, aws_subnet.isolated_b.id]
    security_group_ids = [aws_security_group.lambda.id]
  }
}

# 3. "reports" has a hand-written role that only allows logging: Lambda cannot create its
#    network interfaces, so the deploy fails.
data "aws_iam_policy_document" "reports" {
  statement {
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "reports" {
  name               = "reports"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "reports" {
  role   = aws_iam_role.reports.id
  policy = data.aws_iam_policy_document.reports.json
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  role          = aws_iam_role.reports.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "reports.zip"

  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id]
    security_group_ids = [aws_security_group.lambda.id]
  }
}
