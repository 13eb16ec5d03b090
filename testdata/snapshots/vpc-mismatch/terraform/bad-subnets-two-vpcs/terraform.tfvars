subnet_ids = ["subnet-461efdc297b544418", "subnet-a1ee1fdd6afad8586"]
security_group_ids = ["sg-2f168268a9e866a1d"]
