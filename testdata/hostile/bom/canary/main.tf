# Canary: a VPC function in a public subnet. Every hostile case lints it beside the hostile
# file, to prove the run went on.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "vpc" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "canary" {
  function_name = "canary"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "canary.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.public.id]
    security_group_ids = []
  }
}
