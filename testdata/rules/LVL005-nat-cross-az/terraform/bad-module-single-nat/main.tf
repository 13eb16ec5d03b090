# A root module in the style of the vpc module's README: `azs` is a slice of the region's zone
# list, passed as a module input. One NAT gateway for two zones: the second zone's private subnet
# routes to the first zone's NAT gateway.

data "aws_availability_zones" "available" {
  state = "available"
}

module "network" {
  source = "./modules/network"

  azs                = slice(data.aws_availability_zones.available.names, 0, 2)
  single_nat_gateway = true
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
    subnet_ids         = module.network.private_subnets # expect: LVL005
    security_group_ids = [module.network.lambda_security_group_id]
  }
}
