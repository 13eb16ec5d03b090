subnet_ids = ["subnet-1f0e2f70ba68c9586", "subnet-6860586c1cd5d9fef"]
security_group_ids = ["sg-5de9e5e7a8544dca2"]
