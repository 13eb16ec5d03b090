subnet_ids = ["subnet-751d9f3c8ab3cd6c0", "subnet-003548584bfd555b5"]
security_group_ids = ["sg-b2d9a07a3dd5a36bb"]
