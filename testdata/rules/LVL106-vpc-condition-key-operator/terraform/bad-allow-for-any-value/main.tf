# An allow-list written with ForAnyValue: one listed subnet lets any other subnet in.

data "aws_iam_policy_document" "deployer" {
  statement {
    effect    = "Allow"
    actions   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
    resources = ["*"]
    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "lambda:SubnetIds"
      values   = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] # expect: LVL106
    }
  }
}

resource "aws_iam_policy" "deployer" {
  name   = "lambda-deployer"
  policy = data.aws_iam_policy_document.deployer.json
}
