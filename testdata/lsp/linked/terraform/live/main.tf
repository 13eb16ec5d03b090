# The root module: the function comes from ../modules/fn, attached to the public subnet.
module "fn" {
  source     = "../modules/fn"
  subnet_ids = [aws_subnet.public.id]
  sg_ids     = [aws_security_group.fn.id]
}
