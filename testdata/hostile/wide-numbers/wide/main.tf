# Number literals a 64-bit float cannot hold are valid Terraform (its numbers are
# arbitrary-precision). They must not make the file a parse error: the function below is
# still linted (LVL001), and what depends on such a number is unknown, never a stand-in value.
locals {
  huge     = 1e400
  negative = -1.5E+99999
  digits   = 9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999
  # Not numbers: a string, an identifier-like key and a comment keep their digits.
  text = "1e400 ${local.huge}"
}

variable "big" {
  type = number
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_lambda_function" "wide" {
  function_name = "wide"
  role          = "arn:aws:iam::123456789012:role/wide"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "wide.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.public.id]
    security_group_ids = []
  }
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

# `var.big` is 1e400 (terraform.tfvars), so Terraform picks the private subnet. Were the number
# read as the zero hcl-edit's parse stands in for it, the public one would be picked (a false
# LVL001): it must stay unknown instead.
resource "aws_lambda_function" "maybe" {
  function_name = "maybe"
  role          = "arn:aws:iam::123456789012:role/wide"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "wide.zip"
  vpc_config {
    subnet_ids         = var.big > 0 ? [aws_subnet.private.id] : [aws_subnet.public.id]
    security_group_ids = []
  }
}
