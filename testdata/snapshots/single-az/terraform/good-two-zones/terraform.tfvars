subnet_ids = ["subnet-03be4f2a16fd19799", "subnet-e7dd1632583771d51"]
security_group_ids = ["sg-a1dc010db554a765b"]
