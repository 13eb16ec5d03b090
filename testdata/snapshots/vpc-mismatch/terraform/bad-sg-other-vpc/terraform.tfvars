subnet_ids = ["subnet-461efdc297b544418", "subnet-6b49a500aebb020a6"]
security_group_ids = ["sg-cb53800bf73d6e453"]
