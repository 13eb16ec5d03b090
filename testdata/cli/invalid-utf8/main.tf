resource "aws_vpc" "v" {
  cidr_block = "ÿþ"
}
