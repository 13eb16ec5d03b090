module "ping" {
  source = "../"
}
