resource "aws_vpc" "ok" {
  cidr_block = "10.0.0.0/16"
}
