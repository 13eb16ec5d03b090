resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

# No egress blocks: the provider deletes AWS's allow-all rule.
resource "aws_security_group" "none" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/16"]
  }
}

# Attribute form with an empty list: no rules either.
resource "aws_security_group" "empty" {
  vpc_id  = aws_vpc.main.id
  egress  = []
  ingress = []
}

# Attribute form with objects.
resource "aws_security_group" "objects" {
  vpc_id = aws_vpc.main.id
  egress = [{
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
    description      = ""
  }]
}

# Rules from an unknown list: incomplete.
resource "aws_security_group" "from_variable" {
  vpc_id = aws_vpc.main.id
  egress = var.egress_rules
}

# A dynamic block over an unknown collection: incomplete.
resource "aws_security_group" "dynamic_unknown" {
  vpc_id = aws_vpc.main.id

  dynamic "egress" {
    for_each = var.egress_ports
    content {
      protocol    = "tcp"
      from_port   = egress.value
      to_port     = egress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

# A dynamic block over a known collection: one rule per element.
resource "aws_security_group" "dynamic_known" {
  vpc_id = aws_vpc.main.id

  dynamic "egress" {
    for_each = [443, 5432]
    content {
      protocol    = "tcp"
      from_port   = egress.value
      to_port     = egress.value
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}

variable "egress_rules" {}
variable "egress_ports" {}
