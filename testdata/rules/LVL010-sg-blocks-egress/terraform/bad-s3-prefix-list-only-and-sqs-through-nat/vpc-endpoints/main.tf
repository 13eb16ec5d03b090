# A VPC endpoints module in the shape of the community one: endpoints by key, the service name
# looked up by short name and type, the route tables only for gateway endpoints, and the
# endpoint resources exposed whole.

variable "vpc_id" {
  type = string
}

variable "endpoints" {
  type    = any
  default = {}
}

data "aws_vpc_endpoint_service" "this" {
  for_each = var.endpoints

  service      = each.value.service
  service_type = try(each.value.service_type, "Interface")
}

resource "aws_vpc_endpoint" "this" {
  for_each = var.endpoints

  vpc_id            = var.vpc_id
  service_name      = data.aws_vpc_endpoint_service.this[each.key].service_name
  vpc_endpoint_type = try(each.value.service_type, "Interface")

  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? try(each.value.route_table_ids, null) : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.subnet_ids, null) : null
  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.security_group_ids, null) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, true) : null
}

output "endpoints" {
  value = aws_vpc_endpoint.this
}
