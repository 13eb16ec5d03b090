# A deny-list written with ForAllValues on a CI role: one unlisted security group lets the request through.

resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "no_default_sg" {
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "NoDefaultSecurityGroup"
      Effect   = "Deny"
      Action   = ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"]
      Resource = "*"
      Condition = {
        "ForAllValues:StringEquals" = {
          "lambda:SecurityGroupIds" = ["sg-0123456789abcdef0"] # expect: LVL106
        }
      }
    }]
  })
}
