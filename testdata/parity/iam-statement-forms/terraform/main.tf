resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "forms" {
  name = "forms"
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = {
      Effect      = "Deny"
      NotAction   = "iam:*"
      NotResource = ["arn:aws:s3:::public/*"]
      Condition = {
        StringEquals = { "aws:RequestedRegion" = ["eu-west-1", "eu-west-2"] }
        Bool         = { "aws:SecureTransport" = "false" }
      }
    }
  })
}
