data "aws_subnets" "private" {
  filter {
    name   = "tag:Tier"
    values = ["private"]
  }
}

output "subnet_ids" {
  value = data.aws_subnets.private.ids
}
