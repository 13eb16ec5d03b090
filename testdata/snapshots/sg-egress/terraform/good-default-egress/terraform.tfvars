subnet_ids = ["subnet-bbbd773276e1ff268", "subnet-21b3dde545d2e65a6"]
security_group_ids = ["sg-b5cc5d9ac19b3e21a"]
