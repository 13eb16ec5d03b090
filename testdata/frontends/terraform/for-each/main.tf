locals {
  subnets = {
    a = { cidr = "10.1.1.0/24", az = "eu-central-1a" }
    b = { cidr = "10.1.2.0/24", az = "eu-central-1b" }
  }
}

resource "aws_vpc" "v" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "app" {
  for_each          = local.subnets
  vpc_id            = aws_vpc.v.id
  cidr_block        = each.value.cidr
  availability_zone = each.value.az
  tags = {
    Name = "app-${each.key}"
  }
}

resource "aws_route_table" "app" {
  for_each = toset(["a", "b"])
  vpc_id   = aws_vpc.v.id
}

resource "aws_route_table_association" "app" {
  for_each       = aws_subnet.app
  subnet_id      = each.value.id
  route_table_id = aws_route_table.app[each.key].id
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  vpc_config {
    subnet_ids         = [for s in aws_subnet.app : s.id]
    security_group_ids = []
  }
  filename      = "fn.zip"
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = "{}"
}
