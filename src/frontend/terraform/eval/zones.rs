//! Availability zones as `data "aws_availability_zones"` returns them: unknown names, but a list
//! in which every zone appears once, so `names[0]` and `names[1]` are different zones. The list
//! is [`Val::AwsZones`] with no index (its length is unknown), an element the same with its
//! index; `slice` with known bounds gives a list of known length (Terraform fails the plan when
//! the list is shorter). The lowering turns an element into `model::Zone::Nth`.
//!
//! Entry points, each called from one line of the evaluator: [`data_value`] (the data source),
//! [`index`] (`names[i]`), [`call`] (`slice`, `element`, `length`, `regexall`).

use std::collections::BTreeMap;

use super::{Item, Val};
use crate::source::Span;

/// The value of `data.aws_availability_zones.<name>` declared at `address` (with its module
/// prefix), or `None` for another kind of data source.
pub fn data_value(kind: &str, address: &str, counted: bool, span: Span) -> Option<Val> {
    if kind != "aws_availability_zones" {
        return None;
    }
    if counted {
        return Some(Val::unknown(format!(
            "`{address}` uses count/for_each, which is not evaluated for zone lists"
        )));
    }
    let list = |attr: &str| Item {
        val: Val::AwsZones {
            list: format!("{address}.{attr}"),
            index: None,
        },
        span,
    };
    let mut m = BTreeMap::new();
    m.insert("names".to_string(), list("names"));
    m.insert("zone_ids".to_string(), list("zone_ids"));
    Some(Val::Map(m))
}

/// Why a zone list or zone is not a known string.
pub fn reason(list: &str, index: Option<usize>) -> crate::model::Reason {
    crate::model::Reason::new(match index {
        Some(i) => format!("`{list}[{i}]` is known only at plan time"),
        None => format!("`{list}` is known only at plan time"),
    })
}

/// Equality with a zone list or zone: the same index of the same list is the same zone, another
/// index another zone (each zone is listed once); a zone is never null; anything else depends
/// on the names.
pub fn equals(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (
            Val::AwsZones {
                list: l,
                index: Some(i),
            },
            Val::AwsZones {
                list: m,
                index: Some(j),
            },
        ) if l == m => Some(i == j),
        (Val::AwsZones { .. }, Val::Null) | (Val::Null, Val::AwsZones { .. }) => Some(false),
        _ => None,
    }
}

/// `list[i]` of a whole zone list.
pub fn index(list: &Val, key: &Val) -> Option<Val> {
    let Val::AwsZones { list, index: None } = list else {
        return None;
    };
    Some(match key {
        Val::Num(n) if *n >= 0.0 && n.fract() == 0.0 => Val::AwsZones {
            list: list.clone(),
            index: Some(*n as usize),
        },
        other => Val::unknown(format!(
            "index {} into `{list}`",
            other.as_str().unwrap_or_else(|| "that is not known".into())
        )),
    })
}

/// A function call with a zone list or zone among its arguments; `None` when there is none.
pub fn call(name: &str, args: &[Item], span: Span) -> Option<Val> {
    let arg = |i: usize| args.get(i).map(|a| &a.val);
    let zones = |v: Option<&Val>| match v {
        Some(Val::AwsZones { list, index }) => Some((list.clone(), *index)),
        _ => None,
    };
    if !args.iter().any(|a| matches!(a.val, Val::AwsZones { .. })) {
        return None;
    }
    let int = |v: Option<&Val>| match v {
        Some(Val::Num(n)) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as usize),
        Some(Val::Str(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Some(match (name, zones(arg(0))) {
        ("slice", Some((list, None))) => match (int(arg(1)), int(arg(2))) {
            (Some(a), Some(b)) if a <= b && b - a <= 64 => Val::List(
                (a..b)
                    .map(|i| Item {
                        val: Val::AwsZones {
                            list: list.clone(),
                            index: Some(i),
                        },
                        span,
                    })
                    .collect(),
            ),
            _ => Val::unknown(format!("`slice` of `{list}` with unknown bounds")),
        },
        ("length" | "element", Some((list, None))) => Val::unknown(format!(
            "the number of zones in `{list}` is known only at plan time"
        )),
        ("regexall", None) => match (arg(0), zones(arg(1))) {
            (Some(Val::Str(pattern)), Some((list, Some(_)))) => regexall(pattern, &list, span),
            _ => return None,
        },
        _ => return None,
    })
}

/// Zone names and ids of every shape AWS uses (Regions incl. GovCloud and China, Local Zones,
/// Wavelength Zones): a pattern decides a zone of unknown name only when it gives the same
/// result for all of them.
const NAME_SAMPLES: &[&str] = &[
    "us-east-1a",
    "us-west-2d",
    "eu-west-1c",
    "eu-central-2b",
    "ap-southeast-1a",
    "ap-northeast-3c",
    "sa-east-1b",
    "ca-central-1d",
    "me-south-1a",
    "af-south-1c",
    "il-central-1a",
    "mx-central-1b",
    "cn-north-1a",
    "cn-northwest-1b",
    "us-gov-west-1a",
    "us-gov-east-1c",
    "us-west-2-lax-1a",
    "us-east-1-bos-1a",
    "us-east-1-wl1-bos-wlz-1",
    "ap-northeast-1-wl1-kix-wlz-1",
];
const ID_SAMPLES: &[&str] = &[
    "use1-az1",
    "usw2-az4",
    "euw1-az3",
    "apse1-az2",
    "cnn1-az1",
    "usgw1-az1",
    "usw2-lax1-az1",
    "use1-wl1-bos-wlz1",
];

/// `regexall(pattern, zone)`: the matches when every sample zone of the list's kind gives the
/// same number of them (the vpc module's `^[a-z]{2}-` tells names from ids this way); a match
/// text is kept when it is the same for every sample. Otherwise unknown.
fn regexall(pattern: &str, list: &str, span: Span) -> Val {
    let Ok(re) = regex::Regex::new(pattern) else {
        return Val::unknown(format!("`{pattern}` is not a regular expression"));
    };
    let samples = if list.ends_with(".zone_ids") {
        ID_SAMPLES
    } else {
        NAME_SAMPLES
    };
    let found: Vec<Vec<&str>> = samples
        .iter()
        .map(|s| re.find_iter(s).map(|m| m.as_str()).collect())
        .collect();
    let Some(first) = found.first() else {
        return Val::unknown("no sample zones");
    };
    if found.iter().any(|f| f.len() != first.len()) {
        return Val::unknown(format!(
            "whether a zone of `{list}` matches `{pattern}` depends on its name"
        ));
    }
    Val::List(
        (0..first.len())
            .map(|i| Item {
                val: if found.iter().all(|f| f[i] == first[i]) {
                    Val::Str(first[i].to_string())
                } else {
                    Val::unknown(format!("a match of `{pattern}` in a zone of `{list}`"))
                },
                span,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }
    fn item(val: Val) -> Item {
        Item { val, span: span() }
    }
    fn names() -> Val {
        match data_value(
            "aws_availability_zones",
            "data.aws_availability_zones.a",
            false,
            span(),
        ) {
            Some(Val::Map(mut m)) => m.remove("names").expect("names").val,
            other => panic!("{other:?}"),
        }
    }
    fn zone(v: &Val) -> Option<(String, Option<usize>)> {
        match v {
            Val::AwsZones { list, index } => Some((list.clone(), *index)),
            _ => None,
        }
    }

    #[test]
    fn indices_and_slices_name_positions_of_one_list() {
        let list = "data.aws_availability_zones.a.names".to_string();
        assert_eq!(
            zone(&index(&names(), &Val::Num(2.0)).expect("a list")),
            Some((list.clone(), Some(2)))
        );
        let Some(Val::List(items)) = call(
            "slice",
            &[item(names()), item(Val::Num(1.0)), item(Val::Num(3.0))],
            span(),
        ) else {
            panic!("slice gives a list");
        };
        let got: Vec<_> = items.iter().map(|i| zone(&i.val)).collect();
        assert_eq!(got, [Some((list.clone(), Some(1))), Some((list, Some(2)))]);
        // The length of the whole list, and so `element`'s wrap-around, are unknown.
        for f in ["length", "element"] {
            let v = call(f, &[item(names()), item(Val::Num(4.0))], span());
            assert!(matches!(v, Some(Val::Unknown(_))), "{f}: {v:?}");
        }
        assert!(data_value("aws_region", "data.aws_region.x", false, span()).is_none());
        assert!(matches!(
            data_value(
                "aws_availability_zones",
                "data.aws_availability_zones.a",
                true,
                span()
            ),
            Some(Val::Unknown(_))
        ));
    }

    #[test]
    fn regexall_is_known_only_when_every_zone_agrees() {
        let z = index(&names(), &Val::Num(0.0)).expect("zone");
        let len = |pattern: &str| match call(
            "regexall",
            &[item(Val::Str(pattern.into())), item(z.clone())],
            span(),
        ) {
            Some(Val::List(items)) => Some(items.len()),
            _ => None,
        };
        // The vpc module's test for a name (not an id): every name matches once.
        assert_eq!(len("^[a-z]{2}-"), Some(1));
        assert_eq!(len("^[a-z]{2}[0-9]-az"), Some(0));
        // Depends on the name: unknown.
        assert_eq!(len("^us-"), None);
        assert_eq!(len("a$"), None);
        // Not a zone argument: not ours.
        assert!(call(
            "regexall",
            &[item(Val::Str("x".into())), item(Val::Str("y".into()))],
            span()
        )
        .is_none());
    }
}
