subnet_ids = ["subnet-03be4f2a16fd19799", "subnet-9cab1041b3b738756"]
security_group_ids = ["sg-a1dc010db554a765b"]
