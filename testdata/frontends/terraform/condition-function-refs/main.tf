resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.fn.arn
}

resource "aws_lambda_function" "worker" {
  count         = 2
  function_name = "worker-${count.index}"
  role          = aws_iam_role.fn.arn
}

data "aws_iam_policy_document" "deny_code_ec2" {
  statement {
    effect    = "Deny"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "lambda:SourceFunctionArn"
      values   = [aws_lambda_function.api.arn, aws_lambda_function.worker[1].qualified_arn]
    }
  }
}

resource "aws_iam_role_policy" "deny_doc" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.deny_code_ec2.json
}

resource "aws_iam_role_policy" "deny_json" {
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = "ec2:*"
      Resource = "*"
      Condition = {
        ArnEquals = {
          "lambda:SourceFunctionArn" = aws_lambda_function.worker[*].arn
        }
        StringEquals = {
          # A function's name is not its ARN; ARN text is matched by the analyses.
          "aws:ResourceTag/fn" = aws_lambda_function.api.function_name
          "lambda:FunctionArn" = "arn:aws:lambda:us-east-1:123456789012:function:api"
        }
      }
    }]
  })
}
