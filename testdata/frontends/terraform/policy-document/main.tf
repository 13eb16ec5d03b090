data "aws_partition" "current" {}

data "aws_iam_policy_document" "eni" {
  statement {
    sid = "Eni"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
    ]
    resources = ["*"]
  }

  statement {
    sid         = "DenyCode"
    effect      = "Deny"
    not_actions = ["logs:*"]
    resources   = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "lambda:SourceFunctionArn"
      values   = ["arn:aws:lambda:eu-west-1:123456789012:function:fn"]
    }
  }

  dynamic "statement" {
    for_each = ["s3", "sqs"]
    content {
      actions   = ["${statement.value}:Get*"]
      resources = ["arn:${data.aws_partition.current.partition}:${statement.value}:::*"]
    }
  }
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
  managed_policy_arns = [
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    aws_iam_policy.custom.arn,
  ]

  inline_policy {
    name = "logs"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      }]
    })
  }
}

resource "aws_iam_policy" "custom" {
  name   = "custom"
  policy = data.aws_iam_policy_document.eni.json
}

resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.fn.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "dynamodb:GetItem",
          "Resource": "${aws_dynamodb_table.t.arn}"
        }
      ]
    }
  EOT
}

resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
}

resource "aws_iam_role_policy_attachment" "ro" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_policy_attachment" "shared" {
  name       = "shared"
  roles      = [aws_iam_role.fn.name, "external-role"]
  policy_arn = aws_iam_policy.custom.arn
}

resource "aws_iam_role_policy" "bad_json" {
  role   = aws_iam_role.fn.id
  policy = "{not json"
}
