resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_dynamodb_table" "items" {
  name     = "items"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn

  environment {
    variables = {
      TABLE = aws_dynamodb_table.items.name
      MODE  = "prod"
    }
  }
}
