# A plain StringEquals on the multi-valued key, in a heredoc policy; the key is matched case-insensitively. Expectations in expect.txt:
# a heredoc cannot carry a comment on its first line.


resource "aws_iam_policy" "deployer" {
  name   = "lambda-deployer"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "lambda:CreateFunction",
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "Lambda:SubnetIDs": ["subnet-0123456789abcdef0"]
        }
      }
    }
  ]
}
POLICY
}
