//! Numeric functions: `abs`, `ceil`, `floor`, `log`, `pow`, `signum`, `min`, `max`, `parseint`.
//! Numbers are `f64` here (Terraform's are arbitrary precision): a result that is not finite, or
//! an integer beyond 2^53 that `f64` cannot hold exactly, is unknown rather than rounded.

use super::{fail, num_of, Args, Out};
use crate::frontend::terraform::eval::Val;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "abs" => a.arity(1, 1).and_then(|_| finite(a.num(0)?.abs())),
        "ceil" => a.arity(1, 1).and_then(|_| finite(a.num(0)?.ceil())),
        "floor" => a.arity(1, 1).and_then(|_| finite(a.num(0)?.floor())),
        // Terraform's `signum` takes whole numbers only.
        "signum" => a.arity(1, 1).and_then(|_| {
            let n = a.int(0)? as f64;
            Ok(Val::Num(if n > 0.0 {
                1.0
            } else if n < 0.0 {
                -1.0
            } else {
                0.0
            }))
        }),
        "log" => a
            .arity(2, 2)
            .and_then(|_| finite(a.num(0)?.ln() / a.num(1)?.ln())),
        "pow" => a.arity(2, 2).and_then(|_| pow(a.num(0)?, a.num(1)?)),
        "min" | "max" => minmax(name == "min", a),
        "parseint" => a.arity(2, 2).and_then(|_| parseint(&a.str(0)?, a.int(1)?)),
        _ => return None,
    })
}

fn finite(n: f64) -> Out {
    if n.is_finite() {
        Ok(Val::Num(n))
    } else {
        fail("the result is not a finite number")
    }
}

/// Go's `math.Pow` is not Rust's: they agree on exact results (whole numbers within 2^53, and
/// powers of two), not necessarily in the last bit of others.
fn pow(x: f64, y: f64) -> Out {
    let r = x.powf(y);
    let exact = dyadic(r);
    if r.is_finite() && !exact {
        return fail("the result may differ from Terraform's in the last digit");
    }
    finite(r)
}

/// Whole numbers within 2^53 and multiples of 1/1024: exact in `f64` and printed the same way.
pub fn dyadic(n: f64) -> bool {
    n.abs() <= 9.0e15 && (n * 1024.0).fract() == 0.0
}

fn minmax(min: bool, a: &Args) -> Out {
    a.arity(1, usize::MAX)?;
    let mut best: Option<f64> = None;
    for it in &a.items {
        let n = num_of(&it.val)?;
        best = Some(match best {
            None => n,
            Some(b) if min => b.min(n),
            Some(b) => b.max(n),
        });
    }
    best.map(Val::Num)
        .map_or_else(|| fail("must have at least one argument"), Ok)
}

/// Go's `big.Int.SetString(s, base)` for bases 2 to 62: an optional sign, then digits
/// (`0-9a-z` case-insensitive up to base 36; `0-9a-zA-Z` with lower case first above).
fn parseint(s: &str, base: i64) -> Out {
    if !(2..=62).contains(&base) {
        return fail("base must be a whole number between 2 and 62 inclusive");
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return fail(format!("cannot parse `{s}` as a base {base} integer"));
    }
    let mut n: u128 = 0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => 99,
        };
        if i64::from(d) >= base {
            return fail(format!("cannot parse `{s}` as a base {base} integer"));
        }
        n = n * base as u128 + u128::from(d);
        if n > 1 << 53 {
            return fail("the number is too large to be represented exactly");
        }
    }
    let v = n as f64;
    Ok(Val::Num(if neg { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn arithmetic() {
        check("abs(-3.5)", "3.5");
        check("abs(\"x\")", "unknown(`abs()`: `x` is not a number)");
        check("abs(var.unset)", "unknown(*unset*)");
        check("ceil(1.2)", "2");
        check("ceil(\"1.2\")", "2");
        check("ceil([])", "unknown(*not a number)");
        check("ceil(var.unset)", "unknown(*unset*)");
        check("floor(-1.2)", "-2");
        check("floor(true)", "unknown(*not a number)");
        check("floor(var.unset)", "unknown(*unset*)");
        check("signum(-7)", "-1");
        check("signum(0)", "0");
        check("signum(-0.5)", "unknown(*whole number)");
        check("signum(\"a\")", "unknown(*not a number)");
        check("signum(var.unset)", "unknown(*unset*)");
        check("log(16, 2)", "4");
        check("log(0, 2)", "unknown(*not a finite number)");
        check("log(var.unset, 2)", "unknown(*unset*)");
        check("pow(3, 2)", "9");
        check("pow(2, -2)", "0.25");
        check("pow(1.1, 10)", "unknown(*last digit)");
        check("pow(2, -1074)", "unknown(*last digit)");
        check("pow(10, 400)", "unknown(*not a finite number)");
        check("pow(2, var.unset)", "unknown(*unset*)");
        check("min(3, \"1\", 2)", "1");
        check("max(3, 12, 2)", "12");
        check("max(var.azs...)", "unknown(*not a number)");
        check("max()", "unknown(*at least 1*)");
        check("min(1, var.unset)", "unknown(*unset*)");
    }

    #[test]
    fn parseint() {
        check(r#"parseint("100", 10)"#, "100");
        check(r#"parseint("FF", 16)"#, "255");
        check(r#"parseint("-1011", 2)"#, "-11");
        check(r#"parseint("aA", 62)"#, "656");
        check(
            r#"parseint("12", 2)"#,
            "unknown(*cannot parse `12` as a base 2 integer)",
        );
        check(r#"parseint("1", 63)"#, "unknown(*between 2 and 62*)");
        check(
            r#"parseint("zzzzzzzzzzzzzzzz", 36)"#,
            "unknown(*too large*)",
        );
        check(r#"parseint(var.unset, 10)"#, "unknown(*unset*)");
    }
}
