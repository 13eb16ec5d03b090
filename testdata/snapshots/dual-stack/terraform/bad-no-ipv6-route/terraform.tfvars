subnet_ids = ["subnet-0dfe81bcb06e083c9", "subnet-1e656e7e9cfff475e"]
security_group_ids = ["sg-b2d9a07a3dd5a36bb"]
