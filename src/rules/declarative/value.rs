//! Runtime values of the rule language. A value is known or unknown (with the reason); numbers
//! are intervals so that counting over partly unknown lists stays sound: `count` of a list
//! with an unknown entry is "at least n", and `> 1` is decided only when the bounds decide it.

use ipnet::{Ipv4Net, Ipv6Net};

use crate::model::{EndpointId, RoleId, SecurityGroupId, SubnetId, VpcId};
use crate::model::{FunctionId, PolicyId, Reason};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ent {
    Function(FunctionId),
    VpcConfig(FunctionId),
    Subnet(SubnetId),
    Vpc(VpcId),
    SecurityGroup(SecurityGroupId),
    Endpoint(EndpointId),
    Role(RoleId),
    Statement(PolicyId, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// An optional field that is known to be absent (a subnet without an IPv6 block).
    Null,
    Bool(bool),
    /// `lo..=hi`; `hi: None` is unbounded. Plain numbers have `lo == hi`.
    Num(i64, Option<i64>),
    Str(String),
    Cidr4(Ipv4Net),
    Cidr6(Ipv6Net),
    Ent(Ent),
    List(List),
}

/// A list whose entries may be unknown one by one, and which may be incomplete as a whole (an
/// endpoint association the front end could not resolve may add entries).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List {
    pub items: Vec<Item>,
    pub incomplete: Option<Reason>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub val: Val,
    /// Where the entry is written (a `subnet_ids` element), when it is written.
    pub span: Option<Span>,
}

pub type Val = Result<V, Reason>;

pub fn num(n: i64) -> V {
    V::Num(n, Some(n))
}

/// Three-valued truth: `None` is unknown.
pub type Tri = Option<bool>;

pub fn not(a: Tri) -> Tri {
    a.map(|b| !b)
}

pub fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

pub fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// Equality of two known values; intervals are equal only when both are one and the same point.
pub fn eq(a: &V, b: &V) -> Tri {
    match (a, b) {
        (V::Num(alo, ahi), V::Num(blo, bhi)) => {
            if ahi.is_some_and(|h| h < *blo) || bhi.is_some_and(|h| h < *alo) {
                Some(false)
            } else if *ahi == Some(*alo) && *bhi == Some(*blo) {
                Some(alo == blo)
            } else {
                None
            }
        }
        (V::Null, V::Null) => Some(true),
        (V::Null, _) | (_, V::Null) => Some(false),
        _ => Some(a == b),
    }
}

/// `a < b` (`strict`) or `a <= b` over intervals: decided only when every pair of points gives
/// the same answer.
pub fn less(a: &V, b: &V, strict: bool) -> Tri {
    let (V::Num(alo, ahi), V::Num(blo, bhi)) = (a, b) else {
        return None;
    };
    let holds = |x: i64, y: i64| if strict { x < y } else { x <= y };
    if ahi.is_some_and(|h| holds(h, *blo)) {
        Some(true)
    } else if bhi.is_some_and(|h| !holds(*alo, h)) {
        Some(false)
    } else {
        None
    }
}

/// How a value is shown in messages: entities by name, lists as their distinct entries.
pub fn render(v: &Val, name_of: &dyn Fn(Ent) -> String) -> String {
    match v {
        Err(_) => "<unknown>".into(),
        Ok(V::Null) => "none".into(),
        Ok(V::Bool(b)) => b.to_string(),
        Ok(V::Num(lo, hi)) if *hi == Some(*lo) => lo.to_string(),
        Ok(V::Num(lo, _)) => format!("at least {lo}"),
        Ok(V::Str(s)) => s.clone(),
        Ok(V::Cidr4(n)) => n.to_string(),
        Ok(V::Cidr6(n)) => n.to_string(),
        Ok(V::Ent(e)) => name_of(*e),
        Ok(V::List(l)) => {
            let mut seen: Vec<String> = Vec::new();
            for i in &l.items {
                let s = render(&i.val, name_of);
                if !seen.contains(&s) {
                    seen.push(s);
                }
            }
            seen.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_compare_soundly() {
        // `a > b` is `b < a`.
        let gt = |a: &V, b: &V| less(b, a, true);
        assert_eq!(gt(&num(2), &num(1)), Some(true));
        // at least 2 > 1: true whatever the rest
        assert_eq!(gt(&V::Num(2, None), &num(1)), Some(true));
        // between 1 and 3 > 1: unknown
        assert_eq!(gt(&V::Num(1, Some(3)), &num(1)), None);
        // at most 1 > 1: false
        assert_eq!(gt(&V::Num(0, Some(1)), &num(1)), Some(false));
        assert_eq!(less(&V::Num(1, None), &num(2), true), None);
        assert_eq!(less(&V::Num(2, None), &num(2), true), Some(false));
        assert_eq!(less(&V::Num(2, None), &num(2), false), None);
        assert_eq!(less(&num(2), &num(2), false), Some(true));
        assert_eq!(eq(&V::Num(1, Some(2)), &num(1)), None);
        assert_eq!(eq(&V::Num(2, Some(3)), &num(1)), Some(false));
        assert_eq!(eq(&num(1), &num(1)), Some(true));
    }

    #[test]
    fn three_valued_logic() {
        assert_eq!(and(None, Some(false)), Some(false));
        assert_eq!(and(None, Some(true)), None);
        assert_eq!(or(None, Some(true)), Some(true));
        assert_eq!(or(None, Some(false)), None);
        assert_eq!(not(None), None);
    }
}
