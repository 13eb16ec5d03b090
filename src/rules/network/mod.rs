pub mod no_egress_path;
pub mod public_subnet_no_internet;
pub mod service_without_endpoint;
