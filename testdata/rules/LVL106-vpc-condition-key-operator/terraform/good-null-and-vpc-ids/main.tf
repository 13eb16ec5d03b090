# expect: none
# Null tests presence, and lambda:VpcIds is single-valued: neither needs a set operator.

data "aws_iam_policy_document" "deployer" {
  statement {
    effect    = "Deny"
    actions   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "lambda:SubnetIds"
      values   = ["true"]
    }
  }
}

resource "aws_iam_policy" "deployer" {
  name   = "lambda-deployer"
  policy = data.aws_iam_policy_document.deployer.json
}

data "aws_iam_policy_document" "vpc_only" {
  statement {
    effect    = "Allow"
    actions   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "lambda:VpcIds"
      values   = ["vpc-0123456789abcdef0"]
    }
  }
}

resource "aws_iam_policy" "vpc_only" {
  name   = "lambda-vpc_only"
  policy = data.aws_iam_policy_document.vpc_only.json
}
