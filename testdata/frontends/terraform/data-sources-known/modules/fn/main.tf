variable "name" {
  type = string
}

variable "role" {
  type = string
}

variable "subnets" {
  type    = list(string)
  default = null
}

variable "groups" {
  type    = list(string)
  default = null
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = var.role
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"

  dynamic "vpc_config" {
    for_each = var.subnets != null && var.groups != null ? [true] : []
    content {
      subnet_ids         = var.subnets
      security_group_ids = var.groups
    }
  }
}
