# file(), templatefile() and fileexists() read inside the linted paths only; path.module is the
# module's directory. A path that escapes (here `..` out of the case) is never read: unknown.

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = file("${path.module}/assume.json")
}

resource "aws_iam_role_policy" "from_file" {
  role   = aws_iam_role.fn.id
  policy = file("${path.module}/policy.json")
}

resource "aws_iam_role_policy" "from_template" {
  role = aws_iam_role.fn.id
  policy = templatefile("${path.module}/table.json.tpl", {
    actions = ["dynamodb:GetItem", "dynamodb:PutItem"]
    table   = "orders"
  })
}

resource "aws_iam_role_policy" "outside" {
  role   = aws_iam_role.fn.id
  policy = file("${path.module}/../../../../Cargo.toml")
}

resource "aws_iam_role_policy" "maybe" {
  count  = fileexists("${path.module}/optional.json") ? 1 : 0
  role   = aws_iam_role.fn.id
  policy = file("${path.module}/optional.json")
}
