resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_ec2_managed_prefix_list" "corp" {
  name           = "corp"
  address_family = "IPv4"
  max_entries    = 5
}

resource "aws_security_group" "peer" {
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id

  egress {
    protocol         = "TCP"
    from_port        = 443
    to_port          = 443
    cidr_blocks      = ["0.0.0.0/0", aws_vpc.main.cidr_block]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    protocol        = "all"
    from_port       = 0
    to_port         = 0
    prefix_list_ids = [aws_ec2_managed_prefix_list.corp.id, "pl-63a5400a"]
    security_groups = [aws_security_group.peer.id, "sg-0123456789abcdef0"]
    self            = true
  }

  ingress {
    protocol    = "6"
    from_port   = "5432"
    to_port     = 5432
    cidr_blocks = var.office_cidrs
  }
}

variable "office_cidrs" {
  type = list(string)
}
