# A module that sources itself, and two that source each other: each cycle is reported where
# it closes (LVL901) and not followed.
module "me" {
  source = "./"
}

module "ping" {
  source = "./pong"
}
