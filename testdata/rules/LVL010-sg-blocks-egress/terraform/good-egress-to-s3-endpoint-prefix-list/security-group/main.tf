# A security group module in the shape of the community one: named egress rules, each applied
# to the CIDR blocks and prefix lists given for all egress rules.

variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "egress_rules" {
  type    = list(string)
  default = []
}

variable "egress_cidr_blocks" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "egress_prefix_list_ids" {
  type    = list(string)
  default = []
}

locals {
  rules = {
    "https-443-tcp" = [443, 443, "tcp"]
    "http-80-tcp"   = [80, 80, "tcp"]
  }
}

resource "aws_security_group" "this" {
  name   = var.name
  vpc_id = var.vpc_id
}

resource "aws_security_group_rule" "egress_rules" {
  count = length(var.egress_rules)

  type              = "egress"
  security_group_id = aws_security_group.this.id
  cidr_blocks       = var.egress_cidr_blocks
  prefix_list_ids   = var.egress_prefix_list_ids
  from_port         = local.rules[var.egress_rules[count.index]][0]
  to_port           = local.rules[var.egress_rules[count.index]][1]
  protocol          = local.rules[var.egress_rules[count.index]][2]
}

output "security_group_id" {
  value = aws_security_group.this.id
}
