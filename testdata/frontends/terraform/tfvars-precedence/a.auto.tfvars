d = "10.4.0.0/24"
e = "a.auto"
f = "a.auto"
net = { cidr = "10.0.0.0/16" }
