resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_policy" "read" {
  name   = "read"
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}
EOF
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.fn.name
  policy_arn = aws_iam_policy.read.arn
}
