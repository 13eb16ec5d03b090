resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_security_group" "instances" {
  vpc_id = aws_vpc.main.id

  egress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_lambda_capacity_provider" "main" {
  name = "main"

  vpc_config {
    subnet_ids         = [aws_subnet.a.id, aws_subnet.b.id]
    security_group_ids = [aws_security_group.instances.id]
  }

  permissions_config {
    capacity_provider_operator_role_arn = aws_iam_role.fn.arn
  }
}

resource "aws_lambda_capacity_provider" "no_sgs" {
  name = "no-sgs"

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

# On a capacity provider and without vpc_config: the provider's network applies.
resource "aws_lambda_function" "on_provider" {
  function_name = "on-provider"
  role          = aws_iam_role.fn.arn

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = aws_lambda_capacity_provider.main.arn
    }
  }
}

resource "aws_lambda_function" "on_unknown_provider" {
  function_name = "on-unknown-provider"
  role          = aws_iam_role.fn.arn

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:shared"
    }
  }
}

resource "aws_lambda_function" "plain" {
  function_name = "plain"
  role          = aws_iam_role.fn.arn
}

variable "subnet_ids" {
  type = list(string)
}
