subnet_ids = ["subnet-2978b2626fd38dc1f", "subnet-9d396381f4907d514"]
security_group_ids = ["sg-650a4f5802c8a6a83"]
