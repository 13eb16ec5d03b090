variable "vpc_cidr" {
  default = "10.20.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index + 10)
  availability_zone = element(var.azs, count.index)
}

resource "aws_route_table" "private" {
  count  = 2
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.*.id[count.index]
}

resource "aws_security_group" "fn" {
  vpc_id = aws_vpc.this.id
}

resource "aws_lambda_function" "fn" {
  function_name = "counted"
  role          = aws_iam_role.fn.arn
  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.fn.id]
  }
  filename      = "fn.zip"
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_nat_gateway" "none" {
  count     = 0
  subnet_id = aws_subnet.private[0].id
}
