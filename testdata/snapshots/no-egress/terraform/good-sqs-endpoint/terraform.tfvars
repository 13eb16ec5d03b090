subnet_ids = ["subnet-27d12e539a6c19525", "subnet-da3635e2599648d36"]
security_group_ids = ["sg-c84a05ee40ecdfb18"]
