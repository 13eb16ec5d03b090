variable "subnet_ids" {
  type = list(string)
}

variable "sg_ids" {
  type = list(string)
}

resource "aws_iam_role" "fn" {
  name                = "fn"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.sg_ids
  }
}
