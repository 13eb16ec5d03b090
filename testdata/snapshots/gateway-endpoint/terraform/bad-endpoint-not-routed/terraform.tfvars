subnet_ids = ["subnet-d584f303eb79a2e32", "subnet-e043f2894bcde840a"]
security_group_ids = ["sg-69c593f446040e6e0"]
