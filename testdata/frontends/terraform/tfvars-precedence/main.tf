# Each variable is set at one more level than the previous one, so the dump shows which level
# wins: default < TF_VAR_ < terraform.tfvars < *.auto.tfvars (lexical) < --var-file/--var in order.

variable "a" { default = "10.1.0.0/24" } # default only
variable "b" { default = "default" }     # env
variable "c" { default = "default" }     # terraform.tfvars
variable "d" { default = "default" }     # a.auto.tfvars
variable "e" { default = "default" }     # b.auto.tfvars.json
variable "f" { default = "default" }     # --var-file, then --var

variable "subnet_count" {
  type    = number
  default = 0
}

variable "net" {
  type = object({
    cidr   = string
    public = optional(bool, true)
    az     = optional(string, "eu-west-1a")
    tags   = optional(map(string))
  })
}

resource "aws_vpc" "main" {
  cidr_block = var.net.cidr
}

resource "aws_subnet" "levels" {
  for_each          = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, f = var.f }
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = var.net.az
}

resource "aws_subnet" "counted" {
  count                   = var.subnet_count
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.net.cidr, 8, count.index + 100)
  map_public_ip_on_launch = var.net.public
}
