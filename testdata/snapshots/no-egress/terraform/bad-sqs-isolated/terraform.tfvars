subnet_ids = ["subnet-cd2be26e76f68b012", "subnet-06f896292fe4b4bb8"]
security_group_ids = ["sg-c3fb839c05b70144e"]
