resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_policy" "read" {
  name = "read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
  })
}

resource "aws_iam_policy_attachment" "elsewhere" {
  name       = "elsewhere"
  roles      = ["someone-elses-role"]
  policy_arn = aws_iam_policy.read.arn
}
