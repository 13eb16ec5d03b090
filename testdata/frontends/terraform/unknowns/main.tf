data "aws_vpc" "shared" {
  id = "vpc-0123456789abcdef0"
}

module "network" {
  source = "./network"
}

resource "aws_subnet" "from_data" {
  vpc_id     = data.aws_vpc.shared.id
  cidr_block = cidrsubnet(data.aws_vpc.shared.cidr_block, 8, 3)
}

resource "aws_route_table" "rt" {
  vpc_id = module.network.vpc_id
  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = "tgw-0123456789abcdef0"
  }
  route {
    cidr_block = "10.50.0.0/16"
    gateway_id = "vgw-0123456789abcdef0"
  }
  route {
    cidr_block = "192.168.0.0/16"
    gateway_id = "igw-0123456789abcdef0"
  }
}

resource "aws_route_table_association" "literal" {
  subnet_id      = "subnet-0abc1234def567890"
  route_table_id = aws_route_table.rt.id
}

resource "aws_route" "to_module_table" {
  route_table_id         = module.network.private_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = module.network.nat_id
}

variable "create_route" {
  type = bool
}

resource "aws_route" "maybe" {
  count                  = var.create_route ? 1 : 0
  route_table_id         = aws_route_table.rt.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-0123456789abcdef0"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.r.arn
  vpc_config {
    subnet_ids         = ["subnet-0abc1234def567890", aws_subnet.from_data.id, module.network.subnet_id]
    security_group_ids = module.network.sg_ids
  }
  filename      = "fn.zip"
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "ext" {
  role       = "some-role-by-name"
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}
