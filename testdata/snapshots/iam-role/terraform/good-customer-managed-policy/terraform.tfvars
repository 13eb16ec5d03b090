subnet_ids = ["subnet-388776ddd5cf82f8f", "subnet-773bb4e52e7968e54"]
security_group_ids = ["sg-8cb01f73c21d0997d"]
role_arn = "arn:aws:iam::123456789012:role/orders-custom-eni"
