subnet_ids = ["subnet-64c49e69f4ac70891", "subnet-310820f67f6e8d293"]
security_group_ids = ["sg-ec508a79099e9ed6a"]
