//! What input would resolve an unknown, read from the reason the front end recorded. The front
//! ends word their reasons for people; this adds the one action that helps, when there is one.

/// The input that would resolve an unknown with this reason, if any.
pub fn hint(reason: &str) -> Option<&'static str> {
    let r = reason;
    let has = |s: &str| r.contains(s);
    Some(if has("terraform init") {
        // The front end already says it.
        return None;
    } else if has("SSM Parameter Store") || has("{{resolve:ssm") {
        "the value lives in SSM Parameter Store: pass an AWS snapshot that holds it (`aws ssm get-parameters-by-path` output) with --aws-snapshot, or the value with --parameters"
    } else if has("parameter `") && (has("has no default") || has("UsePreviousValue")) {
        "give the parameter a value with --parameters"
    } else if has("variable `") && (has("no default") || has("has no value")) {
        "give the variable a value with --var-file or --var"
    } else if has("may be any of") {
        "several templates of this run export that name: lint each stack set on its own"
    } else if has("Fn::ImportValue") || has("another template of the run") {
        "lint the template that exports it in the same run"
    } else if has("module `") && has("not loaded") {
        "run terraform init so the module can be followed"
    } else if has("data.") || has("data source") {
        "a data source is read from the account at plan time: declare the resource in the linted files or pass its values as variables"
    } else if has("not in the snapshot (no file of") {
        "add that AWS CLI output to the snapshot (--aws-snapshot)"
    } else if has("not in the snapshot") {
        "the snapshot (--aws-snapshot) may be of another account or region: export it from the account the stack deploys to"
    } else if has("literal ") {
        "pass an AWS account snapshot that holds it with --aws-snapshot, or declare the resource in the linted files"
    } else if has("not a resource of this template") || has("unknown gateway id") {
        "declare the resource in the linted files (or lint the stack that does)"
    } else if has("managed policy") {
        "declare the policy in the linted files, or attach a managed policy the linter knows"
    } else if has("dynamic block") {
        "write the blocks out, or give the collection they iterate over known values"
    } else if has("output `") || has("nested stack") {
        "lint the module or stack that produces the output in the same run"
    } else if has("known only after apply") || has("only known at deployment") {
        "known only after deployment: lint a plan (`terraform show -json`) to see it"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::hint;

    #[test]
    fn hints_name_the_input() {
        assert!(hint("parameter `Subnets` has no default")
            .unwrap()
            .contains("--parameters"));
        assert!(hint("variable `subnet_ids` has no default")
            .unwrap()
            .contains("--var-file"));
        assert!(
            hint("Fn::ImportValue `net-Subnets` (no template of this run exports it)")
                .unwrap()
                .contains("same run")
        );
        assert!(
            hint("Fn::ImportValue `x` may be any of 2 exports of this run (a x, b x)")
                .unwrap()
                .contains("on its own")
        );
        assert!(
            hint("literal subnet id `subnet-1`, not a resource of this unit")
                .unwrap()
                .contains("--aws-snapshot")
        );
        assert!(hint("subnet `subnet-1` is not in the snapshot (a.json)")
            .unwrap()
            .contains("another account"));
        // No input decides where AWS puts a subnet: no hint rather than a wrong one.
        assert_eq!(hint("the availability zone is chosen by AWS"), None);
        assert_eq!(hint("route without a target"), None);
    }
}
