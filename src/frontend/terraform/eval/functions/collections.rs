//! Collection functions: lists, maps and sets. Sets have no value of their own here: a set is a
//! list in Terraform's set order (strings lexicographic, numbers ascending, `false` before
//! `true`; other element types keep their order, which Terraform leaves undefined).

use std::collections::BTreeMap;

use super::{bool_of, check_count, fail, list_of, map_of, pending, str_of, Args, Fail, Out};
use crate::frontend::terraform::eval::{Item, Val};

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "concat" => concat(a),
        "flatten" => a.arity(1, 1).and_then(|_| flatten(a)),
        "element" => a.arity(2, 2).and_then(|_| element(a)),
        "length" => a.arity(1, 1).and_then(|_| length(a.val(0)?)),
        "lookup" => a.arity(2, 3).and_then(|_| lookup(a)),
        "merge" => merge(a),
        "distinct" => a.arity(1, 1).and_then(|_| distinct(a)),
        "compact" => a.arity(1, 1).and_then(|_| compact(a)),
        "keys" => a
            .arity(1, 1)
            .and_then(|_| Ok(a.str_list(a.map(0)?.keys().cloned()))),
        "values" => a
            .arity(1, 1)
            .and_then(|_| Ok(Val::List(a.map(0)?.values().cloned().collect()))),
        "zipmap" => a.arity(2, 2).and_then(|_| zipmap(a)),
        "contains" => a.arity(2, 2).and_then(|_| contains(a)),
        "index" => a.arity(2, 2).and_then(|_| index(a)),
        "range" => a.arity(1, 3).and_then(|_| range(a)),
        "slice" => a.arity(3, 3).and_then(|_| slice(a)),
        "coalescelist" => coalescelist(a),
        "one" => a.arity(1, 1).and_then(|_| one(a)),
        "sum" => a.arity(1, 1).and_then(|_| sum(a)),
        "alltrue" | "anytrue" => a.arity(1, 1).and_then(|_| all_any(name == "alltrue", a)),
        "chunklist" => a.arity(2, 2).and_then(|_| chunklist(a)),
        "transpose" => a.arity(1, 1).and_then(|_| transpose(a)),
        "reverse" => a.arity(1, 1).and_then(|_| {
            let mut l = a.list(0)?.to_vec();
            l.reverse();
            Ok(Val::List(l))
        }),
        "sort" => a.arity(1, 1).and_then(|_| sort(a)),
        "matchkeys" => a.arity(3, 3).and_then(|_| matchkeys(a)),
        "setunion" | "setintersection" | "setsubtract" => set_op(name, a),
        "setproduct" => setproduct(a),
        "list" | "map" => fail("was removed in Terraform 0.12"),
        _ => return None,
    })
}

/// Whether two values are equal; `None` when it depends on values known only after apply. Two
/// references to the same attribute of the same instance are equal, ids and ARNs of different
/// instances are not.
pub fn same(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Ref(x), Val::Ref(y)) => {
            if x.uncertain || y.uncertain {
                let one_resource = x.module == y.module && x.kind == y.kind && x.name == y.name;
                return if one_resource { None } else { ids(x, y) };
            }
            if x.module == y.module && x.address() == y.address() {
                if x.attr == y.attr {
                    return Some(true);
                }
                return None;
            }
            ids(x, y)
        }
        _ => a.equals(b),
    }
}

/// Ids (and ARNs) of two different resource instances differ.
fn ids(
    x: &crate::frontend::terraform::eval::Ref,
    y: &crate::frontend::terraform::eval::Ref,
) -> Option<bool> {
    let is_id =
        |r: &crate::frontend::terraform::eval::Ref| matches!(r.attr.as_deref(), Some("id" | "arn"));
    (is_id(x) && x.attr == y.attr).then_some(false)
}

/// `coalesce`: the first argument that is neither null nor an empty string; an unknown one
/// before it makes the result unknown. Mixed strings and numbers unify to strings.
pub fn coalesce(args: Vec<Item>) -> Val {
    let strings = args.iter().any(|a| matches!(a.val, Val::Str(_)));
    for a in args {
        match a.val {
            Val::Null => continue,
            Val::Str(s) if s.is_empty() => continue,
            v @ (Val::Num(_) | Val::Bool(_)) if strings => {
                return Val::Str(v.as_str().unwrap_or_default())
            }
            v => return v,
        }
    }
    Val::unknown("`coalesce()`: no argument is set (neither null nor empty)")
}

fn concat(a: &Args) -> Out {
    a.arity(1, usize::MAX)?;
    let mut out = Vec::new();
    for i in 0..a.len() {
        let l = a.list(i)?;
        check_count(out.len() + l.len())?;
        out.extend(l.iter().cloned());
    }
    Ok(Val::List(out))
}

fn flatten(a: &Args) -> Out {
    let mut out = Vec::new();
    let mut stack: Vec<Item> = a.list(0)?.iter().rev().cloned().collect();
    while let Some(it) = stack.pop() {
        match it.val {
            Val::List(inner) => stack.extend(inner.into_iter().rev()),
            // An unknown element may be a list: the shape of the result is unknown.
            Val::Unknown(r) => return Err(Fail::Unknown(r)),
            _ => out.push(it),
        }
        check_count(out.len() + stack.len())?;
    }
    Ok(Val::List(out))
}

/// `element(list, i)` wraps around with Go's remainder: a negative index is an error unless
/// it is a multiple of the length away from one (`element(["a"], -1)` is `"a"`, as in
/// Terraform); an empty list is an error.
fn element(a: &Args) -> Out {
    let l = a.list(0)?;
    let i = a.int(1)?;
    if l.is_empty() {
        return fail("cannot use element function with an empty list");
    }
    let r = i % l.len() as i64;
    if r < 0 {
        return fail("cannot use element function with a negative index");
    }
    Ok(l[r as usize].val.clone())
}

fn length(v: &Val) -> Out {
    match v {
        Val::List(l) => Ok(Val::Num(l.len() as f64)),
        Val::Map(m) => Ok(Val::Num(m.len() as f64)),
        Val::Null => fail("argument must not be null"),
        other => Ok(Val::Num(super::strings::graphemes(&str_of(other)?) as f64)),
    }
}

fn lookup(a: &Args) -> Out {
    let m = a.map(0)?;
    let key = a.str(1)?;
    match m.get(&key) {
        Some(it) => Ok(it.val.clone()),
        None if a.len() == 3 => Ok(a.val(2)?.clone()),
        None => fail(format!(
            "the map has no key `{key}` and no default is given"
        )),
    }
}

fn merge(a: &Args) -> Out {
    let mut out = BTreeMap::new();
    for it in &a.items {
        match &it.val {
            Val::Null => {}
            v => out.extend(map_of(v)?.iter().map(|(k, v)| (k.clone(), v.clone()))),
        }
    }
    Ok(Val::Map(out))
}

/// First occurrences, in order; unknown when an equality depends on unknown values.
fn dedup(items: &[Item], name: &str) -> Result<Vec<Item>, Fail> {
    let mut seen = Index::default();
    let mut out: Vec<Item> = Vec::new();
    for it in items {
        if !seen.contains(&it.val, name)? {
            seen.insert(&it.val);
            out.push(it.clone());
        }
    }
    Ok(out)
}

/// Comparisons of values that have no hash key (references, partial strings, lists, maps) are
/// counted: beyond this many, the result is unknown instead of taking quadratic time.
const MAX_COMPARISONS: usize = 10_000_000;

/// Membership over values: known strings, numbers and bools by hash, others one by one.
#[derive(Default)]
struct Index<'a> {
    keyed: std::collections::HashSet<String>,
    all: Vec<&'a Val>,
    unkeyed: Vec<&'a Val>,
    work: usize,
}

/// A hash key for values whose equality is plain equality of the key.
fn key(v: &Val) -> Option<String> {
    match v {
        Val::Str(s) => Some(format!("s{s}")),
        Val::Num(n) => Some(format!("n{}", (n + 0.0).to_bits())),
        Val::Bool(b) => Some(format!("b{b}")),
        Val::Null => Some("z".into()),
        _ => None,
    }
}

impl<'a> Index<'a> {
    fn from(items: &'a [Item]) -> Self {
        let mut ix = Index::default();
        for it in items {
            ix.insert(&it.val);
        }
        ix
    }

    fn insert(&mut self, v: &'a Val) {
        match key(v) {
            Some(k) => {
                self.keyed.insert(k);
            }
            None => self.unkeyed.push(v),
        }
        self.all.push(v);
    }

    fn contains(&mut self, v: &Val, name: &str) -> Result<bool, Fail> {
        let pool = match key(v) {
            Some(k) if self.keyed.contains(&k) => return Ok(true),
            Some(_) => &self.unkeyed,
            None => &self.all,
        };
        self.work += pool.len();
        if self.work > MAX_COMPARISONS {
            return super::budget();
        }
        for o in pool {
            match same(o, v) {
                Some(true) => return Ok(true),
                Some(false) => {}
                None => return Err(undecided(name, o, v)),
            }
        }
        Ok(false)
    }
}

fn undecided(name: &str, a: &Val, b: &Val) -> Fail {
    let why = a
        .unknown_reason()
        .or_else(|| b.unknown_reason())
        .map(|r| format!(" ({})", r.0))
        .unwrap_or_default();
    Fail::Msg(format!(
        "whether two elements are equal is not known{why} (in `{name}`)"
    ))
}

/// The elements are converted to one type first: `distinct([1, "1"])` is `["1"]`.
fn distinct(a: &Args) -> Out {
    Ok(Val::List(dedup(&unify(a.list(0)?)?, "distinct")?))
}

/// Removes null and empty-string elements; an element that could be empty makes it unknown.
fn compact(a: &Args) -> Out {
    let mut out = Vec::new();
    for it in a.list(0)? {
        match &it.val {
            Val::Null => {}
            Val::Str(s) if s.is_empty() => {}
            Val::Str(_) => out.push(it.clone()),
            Val::Num(_) | Val::Bool(_) => out.push(Item {
                val: Val::Str(it.val.as_str().unwrap_or_default()),
                span: it.span,
            }),
            // Ids and ARNs are never empty; a partial string with known text is not empty.
            Val::Ref(r) if matches!(r.attr.as_deref(), None | Some("id" | "arn")) => {
                out.push(it.clone())
            }
            Val::Partial { text, .. }
                if text
                    .chars()
                    .any(|c| c != crate::frontend::terraform::eval::HOLE) =>
            {
                out.push(it.clone())
            }
            other => {
                str_of(other)?;
            }
        }
    }
    Ok(Val::List(out))
}

fn zipmap(a: &Args) -> Out {
    let ks = a.list(0)?;
    let vs = a.list(1)?;
    if ks.len() != vs.len() {
        return fail(format!(
            "{} keys but {} values: the lists must have the same length",
            ks.len(),
            vs.len()
        ));
    }
    let mut out = BTreeMap::new();
    for (k, v) in ks.iter().zip(vs) {
        out.insert(str_of(&k.val)?, v.clone());
    }
    Ok(Val::Map(out))
}

fn contains(a: &Args) -> Out {
    let x = a.val(1)?;
    let mut unknown = None;
    for it in a.list(0)? {
        match same(&it.val, x) {
            Some(true) => return Ok(Val::Bool(true)),
            None => unknown = Some(undecided("contains", &it.val, x)),
            Some(false) => {}
        }
    }
    match unknown {
        Some(f) => Err(f),
        None => Ok(Val::Bool(false)),
    }
}

fn index(a: &Args) -> Out {
    let l = a.list(0)?;
    if l.is_empty() {
        return fail("cannot search an empty list");
    }
    let x = a.val(1)?;
    for (i, it) in l.iter().enumerate() {
        match same(&it.val, x) {
            Some(true) => return Ok(Val::Num(i as f64)),
            None => return Err(undecided("index", &it.val, x)),
            Some(false) => {}
        }
    }
    fail("item not found")
}

/// Terraform refuses to produce more than 1,024 values.
const MAX_RANGE: usize = 1024;

fn range(a: &Args) -> Out {
    let n = |i| a.num(i);
    let (start, end, step) = match a.len() {
        1 => (0.0, n(0)?, if n(0)? < 0.0 { -1.0 } else { 1.0 }),
        2 => (n(0)?, n(1)?, if n(1)? < n(0)? { -1.0 } else { 1.0 }),
        _ => (n(0)?, n(1)?, n(2)?),
    };
    if step == 0.0 {
        return fail("step must not be zero");
    }
    if step < 0.0 && end > start {
        return fail("end must be less than start when step is negative");
    }
    if step > 0.0 && end < start {
        return fail("end must be greater than start when step is positive");
    }
    // Terraform's own limit, decided from the length before anything is built (an enormous
    // range is Terraform's error, never a list of the wrong length).
    let len = ((end - start) / step).ceil();
    if !len.is_finite() || len > MAX_RANGE as f64 {
        return fail("more than 1024 values were generated");
    }
    // Terraform adds arbitrary-precision decimals; `f64` sums agree when the numbers are
    // multiples of 1/1024 within 2^53 (exact in binary), not for steps such as 0.1.
    if ![start, step, end]
        .iter()
        .all(|n| super::numeric::dyadic(*n))
    {
        return fail(
            "a range of fractions other than multiples of 1/1024, or of numbers beyond 2^53, \
             is not evaluated",
        );
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= MAX_RANGE {
            return fail("more than 1024 values were generated");
        }
        out.push(a.item(Val::Num(x)));
        x += step;
    }
    Ok(Val::List(out))
}

fn slice(a: &Args) -> Out {
    let l = a.list(0)?;
    let (s, e) = (a.int(1)?, a.int(2)?);
    if s < 0 {
        return fail("start index must not be negative");
    }
    if e > l.len() as i64 {
        return fail("end index must not be greater than the length of the list");
    }
    if s > e {
        return fail("start index must not be greater than end index");
    }
    Ok(Val::List(l[s as usize..e as usize].to_vec()))
}

fn coalescelist(a: &Args) -> Out {
    a.arity(1, usize::MAX)?;
    for it in &a.items {
        if it.val.is_null() {
            return fail("coalescelist arguments must be lists or tuples");
        }
        if !list_of(&it.val)?.is_empty() {
            return Ok(it.val.clone());
        }
    }
    fail("no non-null arguments")
}

fn one(a: &Args) -> Out {
    match a.list(0)? {
        [] => Ok(Val::Null),
        [x] => Ok(x.val.clone()),
        _ => fail("must be a list, set, or tuple value with either zero or one elements"),
    }
}

fn sum(a: &Args) -> Out {
    let l = a.list(0)?;
    if l.is_empty() {
        return fail("cannot sum an empty list");
    }
    let mut total = 0.0;
    for it in l {
        match &it.val {
            // Terraform adds in arbitrary precision: `0.1 + 0.2` is 0.3 there, not in `f64`.
            Val::Num(n) if super::numeric::dyadic(*n) => total += n,
            Val::Num(_) => {
                return fail("a sum of fractions other than multiples of 1/1024 is not evaluated")
            }
            v => {
                if let Some(f) = pending(v) {
                    return Err(f);
                }
                return fail("argument must be list, set, or tuple of number values");
            }
        }
    }
    if !total.is_finite() {
        return fail("the sum is not a finite number");
    }
    Ok(Val::Num(total))
}

/// `alltrue` / `anytrue`: a decisive element wins over unknown ones; null counts as false.
fn all_any(all: bool, a: &Args) -> Out {
    let mut unknown = None;
    for it in a.list(0)? {
        let b = match &it.val {
            Val::Null => false,
            v => match bool_of(v) {
                Ok(b) => b,
                Err(Fail::Unknown(r)) => {
                    unknown.get_or_insert(Fail::Unknown(r));
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        if b != all {
            return Ok(Val::Bool(!all));
        }
    }
    match unknown {
        Some(f) => Err(f),
        None => Ok(Val::Bool(all)),
    }
}

fn chunklist(a: &Args) -> Out {
    let l = a.list(0)?;
    let size = a.int(1)?;
    if size < 0 {
        return fail("the size argument must be positive");
    }
    if l.is_empty() {
        return Ok(Val::List(Vec::new()));
    }
    if size == 0 {
        return Ok(Val::List(vec![a.item(Val::List(l.to_vec()))]));
    }
    Ok(Val::List(
        l.chunks(size as usize)
            .map(|c| a.item(Val::List(c.to_vec())))
            .collect(),
    ))
}

/// `transpose({a = ["x"], b = ["x", "y"]})` = `{x = ["a", "b"], y = ["b"]}`.
fn transpose(a: &Args) -> Out {
    let mut out: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for (k, it) in a.map(0)? {
        for v in list_of(&it.val)? {
            out.entry(str_of(&v.val)?)
                .or_default()
                .push(a.item(Val::Str(k.clone())));
        }
    }
    Ok(Val::Map(
        out.into_iter()
            .map(|(k, v)| (k, a.item(Val::List(v))))
            .collect(),
    ))
}

/// Lexicographic sort of strings (numbers are converted to strings first, like Terraform).
fn sort(a: &Args) -> Out {
    let mut strs = Vec::new();
    for it in a.list(0)? {
        if it.val.is_null() {
            return fail("a null string cannot be sorted");
        }
        strs.push(str_of(&it.val)?);
    }
    strs.sort();
    Ok(a.str_list(strs))
}

fn matchkeys(a: &Args) -> Out {
    let values = a.list(0)?;
    let keys = a.list(1)?;
    let search = a.list(2)?;
    if values.len() != keys.len() {
        return fail("length of keys and values should be equal");
    }
    let mut search = Index::from(search);
    let mut out = Vec::new();
    for (v, k) in values.iter().zip(keys) {
        if search.contains(&k.val, "matchkeys")? {
            out.push(v.clone());
        }
    }
    Ok(Val::List(out))
}

/// Terraform's set of these elements: unified element type, no duplicates, set order.
pub fn to_set(items: &[Item], name: &str) -> Result<Vec<Item>, Fail> {
    let items = unify(items)?;
    let mut out = dedup(&items, name)?;
    let key = |v: &Val| -> u8 {
        match v {
            Val::Str(_) => 0,
            Val::Num(_) => 1,
            Val::Bool(_) => 2,
            _ => 3,
        }
    };
    // Known values sort before unknown ones and null last; among known primitives of one type,
    // by value.
    let known: Vec<u8> = out
        .iter()
        .filter(|i| i.val.unknown_reason().is_none() && !i.val.is_null())
        .map(|i| key(&i.val))
        .collect();
    if known.windows(2).all(|w| w[0] == w[1]) && known.first().is_some_and(|k| *k < 3) {
        out.sort_by(|x, y| {
            use std::cmp::Ordering;
            match (x.val.is_null(), y.val.is_null()) {
                (true, false) => return Ordering::Greater,
                (false, true) => return Ordering::Less,
                _ => {}
            }
            match (x.val.unknown_reason(), y.val.unknown_reason()) {
                (Some(_), Some(_)) => Ordering::Equal,
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (None, None) => match (&x.val, &y.val) {
                    (Val::Str(a), Val::Str(b)) => a.cmp(b),
                    (Val::Num(a), Val::Num(b)) => a.total_cmp(b),
                    (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
                    _ => Ordering::Equal,
                },
            }
        });
    }
    Ok(out)
}

/// Terraform unifies the element types of a list or set: strings and numbers or bools together
/// become strings; other mixes are errors.
pub fn unify(items: &[Item]) -> Result<Vec<Item>, Fail> {
    let has = |f: fn(&Val) -> bool| items.iter().any(|i| f(&i.val));
    let stringy = |v: &Val| matches!(v, Val::Str(_) | Val::Partial { .. } | Val::Json(_));
    let scalar = |v: &Val| matches!(v, Val::Num(_) | Val::Bool(_));
    let structural = |v: &Val| matches!(v, Val::List(_) | Val::Map(_));
    if has(structural) && (has(stringy) || has(scalar)) {
        return fail("all elements must have the same type");
    }
    // Numbers and bools have no common type (Terraform: "cannot convert ... to a single type").
    let num = |v: &Val| matches!(v, Val::Num(_));
    let boolean = |v: &Val| matches!(v, Val::Bool(_));
    if has(num) && has(boolean) && !has(stringy) {
        return fail("all elements must have the same type");
    }
    if has(stringy) && has(scalar) {
        return Ok(items
            .iter()
            .map(|i| match &i.val {
                v @ (Val::Num(_) | Val::Bool(_)) => Item {
                    val: Val::Str(v.as_str().unwrap_or_default()),
                    span: i.span,
                },
                _ => i.clone(),
            })
            .collect());
    }
    Ok(items.to_vec())
}

fn set_op(name: &str, a: &Args) -> Out {
    let min = if name == "setsubtract" { 2 } else { 1 };
    let max = if name == "setsubtract" { 2 } else { usize::MAX };
    a.arity(min, max)?;
    let sets: Vec<Vec<Item>> = (0..a.len())
        .map(|i| to_set(a.list(i)?, name))
        .collect::<Result<_, _>>()?;
    let first = sets.first().cloned().unwrap_or_default();
    let out: Vec<Item> = match name {
        "setunion" => {
            let all: Vec<Item> = sets.into_iter().flatten().collect();
            check_count(all.len())?;
            all
        }
        "setintersection" => {
            let mut others: Vec<Index<'_>> = sets[1..].iter().map(|s| Index::from(s)).collect();
            let mut out = Vec::new();
            for x in first {
                let mut everywhere = true;
                for ix in &mut others {
                    everywhere &= ix.contains(&x.val, name)?;
                }
                if everywhere {
                    out.push(x);
                }
            }
            out
        }
        _ => {
            let mut minus = Index::from(&sets[1]);
            let mut out = Vec::new();
            for x in first {
                if !minus.contains(&x.val, name)? {
                    out.push(x);
                }
            }
            out
        }
    };
    Ok(Val::List(to_set(&out, name)?))
}

/// The Cartesian product, each element a list; bounded by [`super::MAX_ELEMENTS`].
fn setproduct(a: &Args) -> Out {
    if a.len() < 2 {
        return fail("at least two arguments are required");
    }
    let lists: Vec<&[Item]> = (0..a.len()).map(|i| a.list(i)).collect::<Result<_, _>>()?;
    let mut total: usize = 1;
    for l in &lists {
        total = total.saturating_mul(l.len());
    }
    // Each result element holds one item per argument.
    check_count(total.saturating_mul(lists.len()))?;
    // Each item of list i is copied into total / len(i) tuples: a list of a few large strings
    // multiplies them even when the count is small.
    let mut bytes: usize = 0;
    for l in &lists {
        if l.is_empty() {
            continue;
        }
        let w: usize = l.iter().fold(0, |acc, x| {
            acc.saturating_add(super::super::budget::weight(&x.val, usize::MAX))
        });
        bytes = bytes.saturating_add(w.saturating_mul(total / l.len()));
    }
    super::check_bytes(bytes)?;
    let mut out: Vec<Vec<Item>> = vec![Vec::new()];
    for l in &lists {
        let mut next = Vec::with_capacity(out.len() * l.len());
        for prefix in &out {
            for x in *l {
                let mut p = prefix.clone();
                p.push(x.clone());
                next.push(p);
            }
        }
        out = next;
    }
    Ok(Val::List(
        out.into_iter().map(|p| a.item(Val::List(p))).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn lists() {
        check(r#"concat([1], [], ["a"])"#, r#"[1, "a"]"#);
        check(
            r#"concat([1], "x")"#,
            "unknown(`concat()`: a string is not a list)",
        );
        check(
            r#"concat([1], var.unset)"#,
            "unknown(variable `unset` has no default)",
        );
        check(r#"flatten([[1, [2]], [], 3])"#, "[1, 2, 3]");
        check(
            r#"flatten([[1], [var.unset]])"#,
            "unknown(variable `unset` has no default)",
        );
        check(
            r#"flatten(1)"#,
            "unknown(`flatten()`: a number is not a list)",
        );
        check(r#"element(var.azs, 4)"#, r#""eu-west-1b""#);
        check(r#"element([], 0)"#, "unknown(*empty list)");
        check(r#"element(["a"], -1)"#, r#""a""#);
        check(r#"element(["a", "b", "c"], -3)"#, r#""a""#);
        check(
            r#"element(["a", "b", "c"], -1)"#,
            "unknown(*negative index)",
        );
        check(r#"element(["a"], var.unset)"#, "unknown(*unset*)");
        check(r#"length([1, var.unset])"#, "2");
        check(r#"length({a = 1})"#, "1");
        check(r#"length("héllo")"#, "5");
        check(r#"length(local.partial)"#, "unknown(*)");
        check(r#"length(null)"#, "unknown(*null*)");
        check(r#"slice(var.azs, 1, 3)"#, r#"["eu-west-1b", "eu-west-1c"]"#);
        check(r#"slice(var.azs, 2, 1)"#, "unknown(*start index*)");
        check(r#"slice(var.azs, 0, 4)"#, "unknown(*end index*)");
        check(r#"slice(var.unset, 0, 1)"#, "unknown(*unset*)");
        check(r#"reverse([1, 2, 3])"#, "[3, 2, 1]");
        check(r#"reverse("x")"#, "unknown(*not a list)");
        check(r#"reverse(var.unset)"#, "unknown(*)");
    }

    #[test]
    fn maps() {
        check(r#"lookup({a = 1}, "a")"#, "1");
        check(r#"lookup({a = 1}, "b", 2)"#, "2");
        check(
            r#"lookup({a = 1}, "b")"#,
            "unknown(`lookup()`: the map has no key `b`*)",
        );
        check(r#"lookup(var.unset, "b", 1)"#, "unknown(*)");
        check(r#"merge({a = 1, b = 2}, null, {b = 3})"#, "{a = 1, b = 3}");
        check(r#"merge({a = 1}, [1])"#, "unknown(*not a map)");
        check(r#"merge({a = 1}, var.unset)"#, "unknown(*)");
        check(r#"keys({b = 1, a = 2})"#, r#"["a", "b"]"#);
        check(r#"values({b = 1, a = 2})"#, "[2, 1]");
        check(r#"keys([])"#, "unknown(*not a map)");
        check(r#"values(var.unset)"#, "unknown(*)");
        check(r#"zipmap(["a", "b"], [1, 2])"#, "{a = 1, b = 2}");
        check(r#"zipmap(["a"], [1, 2])"#, "unknown(*same length)");
        check(r#"zipmap([var.unset], [1])"#, "unknown(*)");
        check(
            r#"transpose({a = ["x", "y"], b = ["x"]})"#,
            r#"{x = ["a", "b"], y = ["a"]}"#,
        );
        check(r#"transpose({a = "x"})"#, "unknown(*not a list)");
        check(r#"transpose({a = [var.unset]})"#, "unknown(*)");
    }

    #[test]
    fn searching() {
        check(r#"contains(["a", "b"], "b")"#, "true");
        check(r#"contains(["a"], "b")"#, "false");
        check(r#"contains([aws_vpc.x.id], "b")"#, "unknown(*)");
        check(r#"contains([aws_vpc.x.id, "b"], "b")"#, "true");
        check(r#"index(["a", "b"], "b")"#, "1");
        check(
            r#"index(["a", "b"], "c")"#,
            "unknown(`index()`: item not found)",
        );
        check(r#"index([], "c")"#, "unknown(*empty list)");
        check(r#"index([aws_vpc.x.id], "c")"#, "unknown(*)");
        check(
            r#"matchkeys(["i-1", "i-2"], ["a", "b"], ["b"])"#,
            r#"["i-2"]"#,
        );
        check(
            r#"matchkeys(["i-1"], ["a", "b"], ["b"])"#,
            "unknown(*equal)",
        );
        check(r#"matchkeys(["i-1"], [aws_vpc.x.id], ["b"])"#, "unknown(*)");
        check(r#"one([])"#, "null");
        check(r#"one(["a"])"#, r#""a""#);
        check(r#"one([1, 2])"#, "unknown(*zero or one*)");
        check(r#"one(var.unset)"#, "unknown(*)");
    }

    #[test]
    fn filtering() {
        check(r#"distinct(["a", "b", "a", 1, "1"])"#, r#"["a", "b", "1"]"#);
        check(
            r#"distinct([aws_vpc.x.id, aws_vpc.x.id, "a"])"#,
            "unknown(`distinct()`: whether two elements are equal is not known (`aws_vpc.x.id` is known only after apply)*)",
        );
        check(
            r#"distinct([aws_vpc.x.id, aws_vpc.x.id])"#,
            "[ref(aws_vpc.x.id)]",
        );
        check(r#"distinct("a")"#, "unknown(*not a list)");
        check(
            r#"compact(["a", "", null, 1, aws_vpc.x.id])"#,
            r#"["a", "1", ref(aws_vpc.x.id)]"#,
        );
        check(r#"compact([aws_vpc.x.owner_id])"#, "unknown(*owner_id*)");
        check(
            r#"compact([local.partial])"#,
            r#"[partial("arn:aws:s3:::*")]"#,
        );
        check(r#"compact({})"#, "unknown(*not a list)");
        check(
            r#"coalescelist([], ["a"], var.unset)"#,
            r#"unknown(*unset*)"#,
        );
        check(r#"coalescelist([], ["a"], ["b"])"#, r#"["a"]"#);
        check(r#"coalescelist([], [])"#, "unknown(*no non-null*)");
        check(r#"coalescelist(null, [1])"#, "unknown(*must be lists*)");
        check(r#"coalesce("", null, "x")"#, r#""x""#);
        check(r#"coalesce(null, 1, "x")"#, r#""1""#);
        check(r#"coalesce("", null)"#, "unknown(*no argument is set*)");
        check(r#"coalesce(null, var.unset, "a")"#, "unknown(*unset*)");
        check(r#"coalesce(aws_vpc.x.id, "a")"#, "ref(aws_vpc.x.id)");
    }

    #[test]
    fn numbers_and_bools() {
        check(r#"range(3)"#, "[0, 1, 2]");
        check(r#"range(1, 4)"#, "[1, 2, 3]");
        check(r#"range(3, 0)"#, "[3, 2, 1]");
        check(r#"range(0, 1, 0.25)"#, "[0, 0.25, 0.5, 0.75]");
        check(r#"range(-2)"#, "[0, -1]");
        check(r#"range(0, 1, 0.1)"#, "unknown(*fractions*)");
        check(r#"range(1, 4, -1)"#, "unknown(*step is negative)");
        check(r#"range(0, 1, 0)"#, "unknown(*zero)");
        check(
            r#"range(2000)"#,
            "unknown(`range()`: more than 1024 values were generated)",
        );
        check(r#"range(var.unset)"#, "unknown(*unset*)");
        check(r#"sum([1, 2, 3.5])"#, "6.5");
        check(r#"sum([])"#, "unknown(*empty list)");
        check(r#"sum([0.1, 0.2])"#, "unknown(*fractions*)");
        check(r#"sum(["a"])"#, "unknown(*number values)");
        check(r#"sum([1, var.unset])"#, "unknown(*unset*)");
        check(r#"alltrue([true, "true"])"#, "true");
        check(r#"alltrue([])"#, "true");
        check(r#"alltrue([var.unset, false])"#, "false");
        check(r#"alltrue([var.unset, true])"#, "unknown(*unset*)");
        check(r#"alltrue([1])"#, "unknown(*not a bool)");
        check(r#"anytrue([])"#, "false");
        check(r#"anytrue([false, null, var.unset, true])"#, "true");
        check(r#"anytrue([false, var.unset])"#, "unknown(*unset*)");
    }

    #[test]
    fn chunks_and_sort() {
        check(r#"chunklist([1, 2, 3], 2)"#, "[[1, 2], [3]]");
        check(r#"chunklist([1, 2, 3], 0)"#, "[[1, 2, 3]]");
        check(r#"chunklist([], 2)"#, "[]");
        check(r#"chunklist([1], -1)"#, "unknown(*positive)");
        check(r#"chunklist(var.unset, 2)"#, "unknown(*)");
        check(r#"sort(["b", "a", 10, 9])"#, r#"["10", "9", "a", "b"]"#);
        check(r#"sort(["b", null])"#, "unknown(*null string*)");
        check(r#"sort(["b", aws_vpc.x.id])"#, "unknown(*)");
    }

    #[test]
    fn sets() {
        check(r#"toset(["b", "a", "b"])"#, r#"["a", "b"]"#);
        check(r#"toset([3, 1, 10])"#, "[1, 3, 10]");
        check(r#"toset(["b", 1])"#, r#"["1", "b"]"#);
        check(r#"toset([aws_vpc.x.id, "a"])"#, "unknown(*)");
        check(r#"toset([null, "b", "a"])"#, r#"["a", "b", null]"#);
        check(r#"setunion(["b"], ["a", "b"])"#, r#"["a", "b"]"#);
        check(r#"setunion(["b"], "a")"#, "unknown(*not a list)");
        check(r#"setunion(["b"], var.unset)"#, "unknown(*)");
        check(
            r#"setintersection(["a", "b"], ["b", "c"], ["b"])"#,
            r#"["b"]"#,
        );
        check(r#"setintersection(["a"], [aws_vpc.x.id])"#, "unknown(*)");
        check(r#"setsubtract(["a", "b", "c"], ["a", "c"])"#, r#"["b"]"#);
        check(
            r#"setsubtract(["a"])"#,
            "unknown(`setsubtract()`: takes 2 arguments, got 1)",
        );
        check(
            r#"setproduct(["a", "b"], [1, 2])"#,
            r#"[["a", 1], ["a", 2], ["b", 1], ["b", 2]]"#,
        );
        check(r#"setproduct(["a"], [])"#, "[]");
        check(r#"setproduct(["a"])"#, "unknown(*at least two*)");
        check(r#"setproduct(["a"], var.unset)"#, "unknown(*)");
        check(
            r#"length(distinct(concat(range(1000), range(1000), range(1000))))"#,
            "1000",
        );
        check(r#"setsubtract(range(1000), range(999))"#, "[999]");
        check(
            r#"setproduct(range(1000), range(1000))"#,
            "unknown(`setproduct()`: evaluation budget exceeded*)",
        );
    }
}
