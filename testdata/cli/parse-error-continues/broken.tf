# A half-written file: the parser stops at line 4, the other files are still linted.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
resource "aws_subnet" "oops" {
