variable "cidr" {
  type = string
}

variable "zones" {
  type = list(string)
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 200)
}

resource "aws_nat_gateway" "this" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}

module "subnets" {
  source = "./subnets"
  count  = length(var.zones)

  vpc_id = aws_vpc.this.id
  cidr   = cidrsubnet(var.cidr, 8, count.index)
  zone   = var.zones[count.index]
  nat_id = aws_nat_gateway.this.id
}

output "private_subnet_ids" {
  value = module.subnets[*].subnet_id
}
