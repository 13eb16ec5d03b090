resource "aws_subnet" "bad" {
  vpc_id = aws_vpc.ok.id
  cidr_block = [
}
