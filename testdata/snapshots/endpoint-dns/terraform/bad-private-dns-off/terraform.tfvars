subnet_ids = ["subnet-38022b2783b77382d", "subnet-4aac4d975acb0bed9"]
security_group_ids = ["sg-b6de7723b6ae773ed"]
