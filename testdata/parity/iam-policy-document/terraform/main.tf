resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

data "aws_iam_policy_document" "eni" {
  statement {
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "eni" {
  name   = "eni"
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.eni.json
}
