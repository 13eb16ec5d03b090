subnet_ids = ["subnet-016cb6755c691a1f5", "subnet-a39672b51cb75caa2"]
security_group_ids = ["sg-b45f85498876cf314"]
