# Root → modules/vpc → modules/vpc/subnets (count = 2): resources get nested addresses, inputs
# flow down and outputs flow up two levels.

module "vpc" {
  source = "./modules/vpc"
  cidr   = "10.20.0.0/16"
  zones  = ["eu-west-1a", "eu-west-1b"]
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  vpc_config {
    subnet_ids         = module.vpc.private_subnet_ids
    security_group_ids = []
  }
}
