subnet_ids = ["subnet-7269b19a2559ab8da", "subnet-6509ef0eab7d81339"]
security_group_ids = ["sg-b45f85498876cf314"]
