variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = var.role_arn
}
