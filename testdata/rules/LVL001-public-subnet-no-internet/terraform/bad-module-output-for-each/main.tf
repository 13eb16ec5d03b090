# A root module that creates one subnet per zone through a local module with for_each, and
# attaches the function to the subnets through the module's output.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

module "net" {
  source   = "./net"
  for_each = { a = "10.0.1.0/24", b = "10.0.2.0/24" }

  vpc_id     = aws_vpc.main.id
  cidr_block = each.value
  zone       = "eu-west-1${each.key}"
  gateway_id = aws_internet_gateway.gw.id
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = [for k, m in module.net : m.subnet_id] # expect: LVL001
    security_group_ids = [module.net["a"].security_group_id]
  }
}
