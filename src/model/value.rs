//! Values that may be unknown. Nothing in the model guesses: a value the front end could not
//! resolve is `Unknown(reason)`, and every later stage carries the reason along.

use std::fmt;

use crate::source::Span;

/// Why a value could not be resolved, in words a user understands
/// (e.g. "variable `subnet_ids` has no default"), and, when the answer exists outside the code,
/// where to look it up ([`Lookup`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reason(pub String, pub Option<Box<Lookup>>);

/// What a source of facts outside the linted code (an AWS account snapshot) could resolve. Kept
/// beside the words so that such a source never has to read them back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lookup {
    /// A literal id or ARN where a resource is expected (`subnet-0ab…`, a role ARN).
    Id(String),
    /// A value read from SSM Parameter Store at deployment (CloudFormation
    /// `{{resolve:ssm:NAME[:VERSION]}}`, an `AWS::SSM::Parameter::Value<…>` parameter).
    Ssm {
        name: String,
        version: Option<String>,
    },
    /// The id of the AWS-managed prefix list of this name (`com.amazonaws.eu-west-1.s3`; an
    /// unknown region written `*`): the id differs per region and account, but the list is
    /// named by its service, which is what the security group lowering needs.
    ManagedPrefixList(String),
}

impl Reason {
    pub fn new(s: impl Into<String>) -> Self {
        Reason(s.into(), None)
    }

    /// A literal id or ARN where a resource of the unit is expected: `text` says so in words.
    pub fn literal(id: &str, text: impl Into<String>) -> Self {
        Reason(text.into(), Some(Box::new(Lookup::Id(id.to_string()))))
    }

    /// A value read from SSM Parameter Store at deployment.
    pub fn ssm(name: &str, version: Option<&str>, text: impl Into<String>) -> Self {
        Reason(
            text.into(),
            Some(Box::new(Lookup::Ssm {
                name: name.to_string(),
                version: version.map(str::to_string),
            })),
        )
    }

    /// Where the answer could be looked up, if anywhere.
    /// The id of the AWS-managed prefix list `name` (`*` for its unknown parts).
    pub fn managed_prefix_list(name: &str, text: impl Into<String>) -> Self {
        Reason(
            text.into(),
            Some(Box::new(Lookup::ManagedPrefixList(name.to_string()))),
        )
    }

    pub fn lookup(&self) -> Option<&Lookup> {
        self.1.as_deref()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<T> {
    Known(T),
    Unknown(Reason),
}

impl<T> Value<T> {
    pub fn unknown(reason: impl Into<String>) -> Self {
        Value::Unknown(Reason::new(reason))
    }
    pub fn known(&self) -> Option<&T> {
        match self {
            Value::Known(v) => Some(v),
            Value::Unknown(_) => None,
        }
    }
    pub fn is_known(&self) -> bool {
        matches!(self, Value::Known(_))
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Value<U> {
        match self {
            Value::Known(v) => Value::Known(f(v)),
            Value::Unknown(r) => Value::Unknown(r),
        }
    }
    pub fn as_ref(&self) -> Value<&T> {
        match self {
            Value::Known(v) => Value::Known(v),
            Value::Unknown(r) => Value::Unknown(r.clone()),
        }
    }
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Value::Known(_) => None,
            Value::Unknown(r) => Some(r),
        }
    }
}

/// Where a value came from: written in the source, or the provider's/service's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Explicit,
    Default,
    /// Added by a transform (SAM's implicit role, CDK conventions).
    Implied,
}

/// A model field: its value, where it came from, and the span to report it at. For defaults the
/// span is the owning resource's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<T> {
    pub value: Value<T>,
    pub span: Span,
    pub origin: Origin,
}

impl<T> Attr<T> {
    pub fn explicit(value: Value<T>, span: Span) -> Self {
        Attr {
            value,
            span,
            origin: Origin::Explicit,
        }
    }
    pub fn default(value: T, span: Span) -> Self {
        Attr {
            value: Value::Known(value),
            span,
            origin: Origin::Default,
        }
    }
    pub fn known(&self) -> Option<&T> {
        self.value.known()
    }
}

/// A string in which some parts could not be resolved, such as
/// `com.amazonaws.${AWS::Region}.s3` or `arn:${AWS::Partition}:iam::aws:policy/...`.
/// Unknown parts are written as `*` in `text`; `exact` is true when there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub text: String,
    pub exact: bool,
}

impl Pattern {
    pub fn exact(s: impl Into<String>) -> Self {
        Pattern {
            text: s.into(),
            exact: true,
        }
    }
}
