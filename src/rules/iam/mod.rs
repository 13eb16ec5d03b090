pub mod missing_eni_permissions;
