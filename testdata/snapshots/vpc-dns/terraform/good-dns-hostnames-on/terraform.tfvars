subnet_ids = ["subnet-c2d99c7d33ef95be1", "subnet-6c5949ff132dce7a8"]
security_group_ids = ["sg-2fd88e65a0ed75fcc"]
vpc_id = "vpc-d3cd2938514214660"
endpoint_security_group_ids = ["sg-184994c8e88f81be6"]
