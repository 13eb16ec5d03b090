subnet_ids = ["subnet-b127b961cd827ac0c", "subnet-d17872c6b40abdf50"]
security_group_ids = ["sg-b9b0a63a841eb3357"]
