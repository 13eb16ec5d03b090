resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
  function_name    = aws_lambda_function.fn.function_name
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn
}
