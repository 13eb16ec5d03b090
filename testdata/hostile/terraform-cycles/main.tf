# Locals that refer to each other, and a resource that uses them: the values are unknown,
# nothing is reported, nothing loops.
locals {
  a = local.b
  b = local.c
  c = local.a
  self = local.self
}

resource "aws_vpc" "main" {
  cidr_block = local.a
}

resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = local.self
}

output "loop" {
  value = local.b
}
