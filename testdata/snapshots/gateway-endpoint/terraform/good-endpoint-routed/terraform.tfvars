subnet_ids = ["subnet-217a2dff924deaeb7", "subnet-10afeb38012e5c0db"]
security_group_ids = ["sg-69c593f446040e6e0"]
