# expect: none
# The same module with one NAT gateway per zone: each private subnet routes to its own zone's.

data "aws_availability_zones" "available" {
  state = "available"
}

module "network" {
  source = "./modules/network"

  azs                = slice(data.aws_availability_zones.available.names, 0, 2)
  single_nat_gateway = false
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = module.network.private_subnets
    security_group_ids = [module.network.lambda_security_group_id]
  }
}
