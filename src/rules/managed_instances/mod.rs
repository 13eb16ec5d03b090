pub mod managed_instances_no_egress;
