# A module that sources itself, and two that source each other: child modules are not
# followed yet, so this is silent; when they are, it must stay finite.
module "me" {
  source = "./"
}

module "ping" {
  source = "./pong"
}
