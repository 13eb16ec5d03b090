resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

output "role_name" {
  value = aws_iam_role.fn.name
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn
}
