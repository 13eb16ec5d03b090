resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

variable "grant_queue" {
  type = bool
}

resource "aws_iam_policy" "queue" {
  name = "queue"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "queue" {
  count      = var.grant_queue ? 1 : 0
  role       = aws_iam_role.fn.name
  policy_arn = aws_iam_policy.queue.arn
}
