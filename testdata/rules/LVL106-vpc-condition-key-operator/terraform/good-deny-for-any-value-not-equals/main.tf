# expect: none
# An allow-list enforced by a Deny: ForAnyValue:StringNotEquals denies any unlisted subnet.

data "aws_iam_policy_document" "deployer" {
  statement {
    effect    = "Deny"
    actions   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
    resources = ["*"]
    condition {
      test     = "ForAnyValue:StringNotEquals"
      variable = "lambda:SubnetIds"
      values   = ["subnet-0123456789abcdef0"]
    }
  }
}

resource "aws_iam_policy" "deployer" {
  name   = "lambda-deployer"
  policy = data.aws_iam_policy_document.deployer.json
}
