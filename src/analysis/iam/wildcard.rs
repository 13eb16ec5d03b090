//! IAM wildcard matching: `*` and `?`, case-insensitive for actions (IAM treats action names
//! case-insensitively). `${aws:username}`-style variables and `[` are literal characters.

use wildmatch::WildMatchPattern;

pub fn action_matches(pattern: &str, action: &str) -> bool {
    WildMatchPattern::<'*', '?'>::new_case_insensitive(pattern).matches(action)
}

/// True when the pattern is a wildcard over a whole service (`ec2:*`) or everything (`*`).
pub fn is_service_wide(pattern: &str) -> bool {
    pattern == "*" || pattern.split_once(':').is_some_and(|(_, a)| a == "*")
}

#[cfg(test)]
mod tests {
    use super::action_matches;

    #[test]
    fn iam_wildcards() {
        assert!(action_matches("ec2:*", "ec2:CreateNetworkInterface"));
        assert!(action_matches("EC2:describe*", "ec2:DescribeSubnets"));
        assert!(action_matches("*", "ec2:DescribeSubnets"));
        assert!(action_matches(
            "ec2:?eleteNetworkInterface",
            "ec2:DeleteNetworkInterface"
        ));
        assert!(!action_matches(
            "ec2:Describe*",
            "ec2:CreateNetworkInterface"
        ));
        assert!(!action_matches("s3:*", "ec2:CreateNetworkInterface"));
        assert!(!action_matches(
            "ec2:CreateNetworkInterfacePermission",
            "ec2:CreateNetworkInterface"
        ));
    }
}
