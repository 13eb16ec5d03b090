resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "empty" {
  name   = "empty"
  role   = aws_iam_role.fn.id
  policy = jsonencode({ Version = "2012-10-17" })
}
