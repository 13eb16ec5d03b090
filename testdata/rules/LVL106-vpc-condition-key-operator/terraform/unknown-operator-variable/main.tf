# expect: none
# The operator comes from a variable without a default.

variable "subnet_test" {
  type = string
}

data "aws_iam_policy_document" "deployer" {
  statement {
    effect    = "Allow"
    actions   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
    resources = ["*"]
    condition {
      test     = var.subnet_test
      variable = "lambda:SubnetIds"
      values   = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "aws_iam_policy" "deployer" {
  name   = "lambda-deployer"
  policy = data.aws_iam_policy_document.deployer.json
}
