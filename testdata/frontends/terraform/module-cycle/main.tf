# Module `a` calls itself: reported as a cycle, not followed, and loading terminates.
module "a" {
  source = "./a"
}

resource "aws_vpc" "main" {
  cidr_block = module.a.cidr
}
