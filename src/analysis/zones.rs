//! Whether two availability zones are the same. Zones are names (`eu-west-1a`) or positions in a
//! zone list AWS returns (`Fn::Select [1, Fn::GetAZs '']`, `data.aws_availability_zones.x
//! .names[1]`): distinct positions in one such list are distinct zones, since AWS lists each zone
//! once, so LVL005/LVL006 can be decided without the names. A name and a position, or positions
//! in different lists, may be the same zone: unknown.

use crate::model::{Value, Zone};

/// `Known(true)`: the same zone; `Known(false)`: provably different zones; otherwise why not.
pub fn same_zone(a: &Value<Zone>, b: &Value<Zone>) -> Value<bool> {
    let (a, b) = match (a, b) {
        (Value::Unknown(r), _) | (_, Value::Unknown(r)) => return Value::Unknown(r.clone()),
        (Value::Known(a), Value::Known(b)) => (a, b),
    };
    match (a, b) {
        (Zone::Name(x), Zone::Name(y)) => Value::Known(x == y),
        (Zone::Nth { list: l, index: i }, Zone::Nth { list: m, index: j }) if l == m => {
            Value::Known(i == j)
        }
        (Zone::Nth { .. }, Zone::Nth { .. }) => Value::unknown(format!(
            "{a} and {b} come from different zone lists, which may name the same zone"
        )),
        (Zone::Name(n), z @ Zone::Nth { .. }) | (z @ Zone::Nth { .. }, Zone::Name(n)) => {
            Value::unknown(format!("{z} is known only at deployment: it may be {n}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Value<Zone> {
        Value::Known(Zone::Name(n.into()))
    }
    fn nth(list: &str, index: usize) -> Value<Zone> {
        Value::Known(Zone::Nth {
            list: list.into(),
            index,
        })
    }

    #[test]
    fn names_compare_by_name() {
        assert_eq!(
            same_zone(&name("eu-west-1a"), &name("eu-west-1a")),
            Value::Known(true)
        );
        assert_eq!(
            same_zone(&name("eu-west-1a"), &name("eu-west-1b")),
            Value::Known(false)
        );
    }

    #[test]
    fn positions_in_one_list_compare_by_index() {
        assert_eq!(
            same_zone(&nth("Fn::GetAZs", 0), &nth("Fn::GetAZs", 0)),
            Value::Known(true)
        );
        assert_eq!(
            same_zone(&nth("Fn::GetAZs", 0), &nth("Fn::GetAZs", 1)),
            Value::Known(false)
        );
    }

    #[test]
    fn everything_else_is_unknown() {
        let cases = [
            (
                nth("data.aws_availability_zones.a.names", 0),
                nth("data.aws_availability_zones.b.names", 1),
            ),
            (name("eu-west-1a"), nth("Fn::GetAZs", 1)),
            (nth("Fn::GetAZs", 1), name("eu-west-1b")),
            (Value::unknown("no zone"), nth("Fn::GetAZs", 1)),
            (name("eu-west-1a"), Value::unknown("no zone")),
        ];
        for (a, b) in cases {
            assert!(!same_zone(&a, &b).is_known(), "{a:?} {b:?}");
        }
    }
}
