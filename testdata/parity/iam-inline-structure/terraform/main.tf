resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"

  inline_policy {
    name = "logs"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      }]
    })
  }
}
