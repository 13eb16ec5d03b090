subnet_ids = ["subnet-461efdc297b544418", "subnet-6b49a500aebb020a6"]
security_group_ids = ["sg-2f168268a9e866a1d"]
