//! IAM condition operators as IAM evaluates them: the set qualifier (`ForAllValues:` /
//! `ForAnyValue:`), the `IfExists` suffix, negation, and what an entry evaluates to when its key
//! is absent from the request (as `lambda:SourceFunctionArn` is for the Lambda service's own
//! calls).

/// `ForAllValues:` or `ForAnyValue:` in front of an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    /// The operator without qualifier and `IfExists`, as written (`StringEquals`).
    pub base: String,
    pub if_exists: bool,
}

/// Operators that match when the value does *not* match; IAM evaluates them to true when the
/// key is absent.
const NEGATED: &[&str] = &[
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
];

/// Operators that compare an ARN or a string for equality or a wildcard match: the ones that
/// can name a function in `lambda:SourceFunctionArn`.
const POSITIVE_MATCH: &[&str] = &[
    "ArnEquals",
    "ArnLike",
    "StringEquals",
    "StringLike",
    "StringEqualsIgnoreCase",
];

impl Operator {
    pub fn parse(text: &str) -> Operator {
        let (qualifier, rest) = match text.split_once(':') {
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
                (Some(SetQualifier::ForAllValues), rest)
            }
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(SetQualifier::ForAnyValue), rest)
            }
            _ => (None, text),
        };
        let (base, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut)
                if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") =>
            {
                (&rest[..cut], true)
            }
            _ => (rest, false),
        };
        Operator {
            qualifier,
            base: base.to_string(),
            if_exists,
        }
    }

    fn is(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.base.eq_ignore_ascii_case(n))
    }

    pub fn is_null(&self) -> bool {
        self.base.eq_ignore_ascii_case("Null")
    }

    pub fn is_negated(&self) -> bool {
        self.is(NEGATED)
    }

    /// Equality or wildcard match, not negated: true when some value matches.
    pub fn is_positive_match(&self) -> bool {
        self.is(POSITIVE_MATCH)
    }

    /// What the entry evaluates to when its key is absent from the request; `None` when it
    /// depends on the values (`Null`, which tests exactly that).
    pub fn when_key_absent(&self) -> Option<bool> {
        if self.is_null() {
            return None;
        }
        if self.if_exists {
            return Some(true);
        }
        match self.qualifier {
            // A missing key is an empty set: "all of none" holds, "any of none" does not.
            Some(SetQualifier::ForAllValues) => Some(true),
            Some(SetQualifier::ForAnyValue) => Some(false),
            None => Some(self.is_negated()),
        }
    }
}

pub const SOURCE_FUNCTION_ARN: &str = "lambda:SourceFunctionArn";

pub fn is_key(key: &str, name: &str) -> bool {
    key.eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualifiers_and_suffixes() {
        let op = Operator::parse("ForAllValues:StringEqualsIfExists");
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(op.base, "StringEquals");
        assert!(op.if_exists);
        let op = Operator::parse("ForAnyValue:StringLike");
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert!(!op.if_exists);
        let op = Operator::parse("ArnEquals");
        assert_eq!(op.qualifier, None);
        assert!(op.is_positive_match());
        assert!(!Operator::parse("ArnNotEquals").is_positive_match());
        assert_eq!(Operator::parse("IfExists").base, "");
        assert_eq!(Operator::parse("").base, "");
        assert_eq!(Operator::parse("Fünf:IfExiſts").base, "Fünf:IfExiſts");
    }

    #[test]
    fn absent_keys_follow_iam() {
        assert_eq!(Operator::parse("ArnEquals").when_key_absent(), Some(false));
        assert_eq!(Operator::parse("ArnLike").when_key_absent(), Some(false));
        assert_eq!(
            Operator::parse("ArnNotEquals").when_key_absent(),
            Some(true)
        );
        assert_eq!(
            Operator::parse("StringNotLike").when_key_absent(),
            Some(true)
        );
        assert_eq!(
            Operator::parse("ArnEqualsIfExists").when_key_absent(),
            Some(true)
        );
        assert_eq!(
            Operator::parse("ForAllValues:ArnEquals").when_key_absent(),
            Some(true)
        );
        assert_eq!(
            Operator::parse("ForAnyValue:ArnEquals").when_key_absent(),
            Some(false)
        );
        assert_eq!(Operator::parse("Null").when_key_absent(), None);
    }
}
