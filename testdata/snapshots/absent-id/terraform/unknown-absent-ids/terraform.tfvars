subnet_ids = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a60718"]
security_group_ids = ["sg-0a1b2c3d4e5f60718"]
