variable "vpc_id" {
  type = string
}

variable "cidr_block" {
  type = string
}

variable "zone" {
  type = string
}

variable "gateway_id" {
  type    = string
  default = null
}

resource "aws_subnet" "this" {
  vpc_id            = var.vpc_id
  cidr_block        = var.cidr_block
  availability_zone = var.zone
}

resource "aws_route_table" "this" {
  vpc_id = var.vpc_id
}

resource "aws_route" "default" {
  count                  = var.gateway_id == null ? 0 : 1
  route_table_id         = aws_route_table.this.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = var.gateway_id
}

resource "aws_route_table_association" "this" {
  subnet_id      = aws_subnet.this.id
  route_table_id = aws_route_table.this.id
}

resource "aws_security_group" "this" {
  name   = "fn-${var.zone}"
  vpc_id = var.vpc_id
}

output "subnet_id" {
  value = aws_subnet.this.id
}

output "security_group_id" {
  value = aws_security_group.this.id
}
