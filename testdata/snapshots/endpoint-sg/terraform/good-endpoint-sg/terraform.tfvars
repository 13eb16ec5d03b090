subnet_ids = ["subnet-e21d13b29b44ab098", "subnet-90b2b6573de1e13e6"]
security_group_ids = ["sg-e09549e858dd09422"]
