resource "aws_vpc" "a" { = }
