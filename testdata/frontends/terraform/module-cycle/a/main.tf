module "again" {
  source = "./"
}

resource "aws_vpc" "inner" {
  cidr_block = "10.40.0.0/16"
}

output "cidr" {
  value = module.again.cidr
}
