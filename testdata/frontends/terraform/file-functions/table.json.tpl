{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ${jsonencode(actions)},
      "Resource": "arn:aws:dynamodb:*:*:table/${table}"
    }
  ]
}
