subnet_ids = ["subnet-f069471559e48992b", "subnet-cb93fbe59b8045fc5"]
security_group_ids = ["sg-279d2b76c8e9b8135"]
