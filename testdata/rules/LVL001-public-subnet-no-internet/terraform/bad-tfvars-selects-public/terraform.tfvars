use_public_subnet = true
