c = "10.3.0.0/24"
d = "tfvars"
e = "tfvars"
f = "tfvars"
