subnet_ids = ["subnet-7e240a0b78e482e05", "subnet-524f1d647f561c002"]
security_group_ids = ["sg-d5aa27c3d36b8add2"]
vpc_id = "vpc-27f4b8dbb79e7d5c8"
endpoint_security_group_ids = ["sg-372b4aa315c8b2042"]
