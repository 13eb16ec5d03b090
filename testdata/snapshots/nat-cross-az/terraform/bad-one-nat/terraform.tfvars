subnet_ids = ["subnet-01bf64fd5aa7ba4be", "subnet-a113601c18a249ecd"]
security_group_ids = ["sg-9e8bb90d6147fd5f0"]
