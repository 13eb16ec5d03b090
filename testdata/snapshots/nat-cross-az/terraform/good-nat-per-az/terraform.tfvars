subnet_ids = ["subnet-398f94bfd7ef82909", "subnet-2f7ec9503fb7b88db"]
security_group_ids = ["sg-f3220b180250728a2"]
