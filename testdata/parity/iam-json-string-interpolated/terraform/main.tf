resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_iam_role_policy" "read" {
  name   = "read"
  role   = aws_iam_role.fn.id
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.data.arn}/*"}]}
EOF
}
