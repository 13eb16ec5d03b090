subnet_ids = ["subnet-8496b69bd558060a4", "subnet-1abaaa0a8a7816747"]
security_group_ids = ["sg-b2d9a07a3dd5a36bb"]
