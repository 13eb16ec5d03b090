//! Terraform's numbers are arbitrary-precision decimals; the evaluator's are `f64`. A value is
//! kept only when `f64` holds it exactly, so no result is ever a rounded (wrong) number: a
//! literal or numeric string that `f64` would round (`9007199254740993`, `1e23`) and an
//! arithmetic result that `f64` rounded or that overflowed (`1e308 * 10`) are unknown.

/// 2^53: every whole number up to it is exact in `f64`, and so is every sum of two of them.
pub const EXACT: f64 = 9_007_199_254_740_992.0;

/// The number a decimal text denotes, when `f64` holds it exactly (and it is finite).
/// Digits, an optional fraction and exponent, an optional sign: Terraform's literal and
/// string-conversion syntax. `None` for other text or an inexact value.
pub fn exact(text: &str) -> Option<f64> {
    let text = text.trim();
    let n: f64 = text.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    // Small whole numbers and short fractions are what real files hold: `f64` parsing is
    // correctly rounded, and these print back to the same text.
    if n.abs() < EXACT
        && !text.contains(['e', 'E'])
        && text.split('.').nth(1).is_none_or(|f| f.len() <= 15)
    {
        return Some(n);
    }
    // Otherwise compare the decimal the text denotes with the exact decimal of the `f64`.
    let (neg, digits, exp) = decimal(text)?;
    if n.fract() != 0.0 {
        // A fraction beyond what is printed the same way: not evaluated exactly.
        return (n.abs() <= EXACT && (n * 1024.0).fract() == 0.0 && exp >= -10).then_some(n);
    }
    if neg != (n < 0.0) && n != 0.0 {
        return None;
    }
    let want = integer_text(&digits, exp)?;
    let have = format!("{:.0}", n.abs());
    (want == have || (want == "0" && n == 0.0)).then_some(n)
}

/// `(negative, significant digits without leading zeros, exponent)` of a decimal text: the
/// value is `digits × 10^exp`.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let exp = exp.checked_sub(frac.len() as i64)?;
    let digits = digits.trim_start_matches('0').to_string();
    Some((neg, digits, exp))
}

/// The whole number `digits × 10^exp` as decimal text, or `None` when it is not whole or
/// longer than any finite `f64` (309 digits).
fn integer_text(digits: &str, exp: i64) -> Option<String> {
    if digits.is_empty() {
        return Some("0".into());
    }
    if exp >= 0 {
        if digits.len() as i64 + exp > 309 {
            return None;
        }
        return Some(format!("{digits}{}", "0".repeat(exp as usize)));
    }
    let cut = digits.len() as i64 + exp;
    let tail = digits.get(cut.max(0) as usize..)?;
    if cut <= 0 || tail.bytes().any(|b| b != b'0') {
        // A fraction (handled above) or zero.
        return tail.bytes().all(|b| b == b'0').then(|| "0".into());
    }
    Some(digits.get(..cut as usize)?.to_string())
}

/// `a + b` (or `-`, `*`, `/` by `op`) when `f64` computes it exactly; `None` when the result is
/// rounded beyond 2^53 or not finite. Below 2^53 the results are kept as before (Terraform
/// prints those the same way).
pub fn arith(op: char, a: f64, b: f64) -> Option<f64> {
    let r = match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => a / b,
        _ => return None,
    };
    if !r.is_finite() {
        return None;
    }
    if r.abs() < EXACT && a.abs() < EXACT && b.abs() < EXACT {
        return Some(r);
    }
    // Error-free transformations: the rounding error of the operation is zero.
    let err = match op {
        '+' => two_sum_err(a, b, r),
        '-' => two_sum_err(a, -b, r),
        '*' => a.mul_add(b, -r),
        _ => r.mul_add(b, -a),
    };
    (err == 0.0).then_some(r)
}

fn two_sum_err(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_f64_would_round_are_not_numbers() {
        assert_eq!(exact("9007199254740992"), Some(EXACT));
        assert_eq!(exact("9007199254740993"), None);
        assert_eq!(exact("18446744073709551616"), Some(18446744073709551616.0));
        assert_eq!(exact("18446744073709551617"), None);
        assert_eq!(exact("1e20"), Some(1e20));
        assert_eq!(exact("1e23"), None);
        assert_eq!(exact("1e400"), None);
        assert_eq!(exact("-1e400"), None);
        assert_eq!(exact("1.5"), Some(1.5));
        assert_eq!(exact("0.1"), Some(0.1));
        assert_eq!(exact("-42"), Some(-42.0));
        assert_eq!(exact("1.5e3"), Some(1500.0));
        assert_eq!(exact("x"), None);
        assert_eq!(
            exact("340282366920938463463374607431768211456"),
            Some(2f64.powi(128))
        );
    }

    #[test]
    fn arithmetic_that_rounds_or_overflows_is_not_a_number() {
        assert_eq!(arith('+', EXACT, 1.0), None);
        assert_eq!(arith('+', EXACT, 2.0), Some(EXACT + 2.0));
        assert_eq!(arith('*', 1e308, 10.0), None);
        assert_eq!(arith('*', 2f64.powi(60), 2.0), Some(2f64.powi(61)));
        assert_eq!(arith('*', 3f64.powi(30), 3f64.powi(10)), None);
        assert_eq!(arith('-', -1e308, 1e308), None);
        assert_eq!(arith('/', 2f64.powi(80), 2.0), Some(2f64.powi(79)));
        assert_eq!(arith('+', 1.0, 2.0), Some(3.0));
        assert_eq!(arith('/', 1.0, 3.0), Some(1.0 / 3.0));
    }
}
