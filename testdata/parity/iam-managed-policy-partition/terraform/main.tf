data "aws_partition" "current" {}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
  managed_policy_arns = [
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
  ]
}
