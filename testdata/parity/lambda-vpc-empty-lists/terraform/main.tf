resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn

  vpc_config {
    subnet_ids         = []
    security_group_ids = []
  }
}
