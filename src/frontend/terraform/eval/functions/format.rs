//! `format` and `formatlist`: go-cty's verbs (`%v %#v %t %d %b %o %x %X %e %E %f %s %q %%`,
//! flags `+ - # 0 space`, width, precision, `%[n]` argument indexes). An argument known only
//! after apply leaves a hole in a partial string where `%s`/`%v` print it, so patterns such as
//! ARNs survive. `%g`/`%G` with a precision, and a fraction that Go's arbitrary-precision
//! rounding could round differently from `f64`, are unknown.

use unicode_segmentation::UnicodeSegmentation;

use super::{check_count, check_len, encoding::json_text, fail, list_of, str_of, Args, Fail, Out};
use crate::frontend::terraform::eval::{Item, Val, HOLE};
use crate::model::Reason;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "format" => a.arity(1, usize::MAX).and_then(|_| {
            let args: Vec<&Val> = a.items[1..].iter().map(|i| &i.val).collect();
            format(&a.str(0)?, &args)
        }),
        "formatlist" => a.arity(1, usize::MAX).and_then(|_| formatlist(a)),
        _ => return None,
    })
}

#[derive(Default)]
struct Verb {
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Go's `fmt` widths beyond this are refused (a hostile `%999999999d`).
const MAX_WIDTH: usize = 1 << 20;

fn format(spec: &str, args: &[&Val]) -> Out {
    let mut out = String::new();
    let mut partial: Option<Reason> = None;
    let mut next = 1usize;
    let mut highest = 0usize;
    let mut chars = spec.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if let Some((_, '%')) = chars.peek() {
            chars.next();
            out.push('%');
            continue;
        }
        let mut v = Verb {
            arg: next,
            ..Verb::default()
        };
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '0' => v.zero = true,
                '#' => v.sharp = true,
                '-' => v.minus = true,
                '+' => v.plus = true,
                ' ' => v.space = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(&(_, d)) = chars.peek() {
                let Some(d) = d.to_digit(10) else { break };
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            n
        };
        v.width = number(&mut chars);
        if let Some((_, '.')) = chars.peek() {
            chars.next();
            v.prec = Some(number(&mut chars).unwrap_or(0));
        }
        if let Some((_, '[')) = chars.peek() {
            chars.next();
            v.arg = number(&mut chars).unwrap_or(0);
            match chars.next() {
                Some((_, ']')) if v.arg > 0 => {}
                _ => return fail(format!("invalid format string starting at offset {at}")),
            }
        }
        match chars.next() {
            Some((_, m)) if m.is_ascii_alphabetic() => v.mode = m,
            Some((p, m)) => {
                return fail(format!("unrecognized format character {m:?} at offset {p}"))
            }
            None => return fail(format!("invalid format string starting at offset {at}")),
        }
        if v.width.is_some_and(|w| w > MAX_WIDTH) || v.prec.is_some_and(|p| p > MAX_WIDTH) {
            return super::budget();
        }
        highest = highest.max(v.arg);
        let Some(arg) = args.get(v.arg - 1) else {
            return fail(format!(
                "not enough arguments for verb %{} at offset {at}",
                v.mode
            ));
        };
        append(&v, arg, &mut out, &mut partial)?;
        check_len(out.len())?;
        next = v.arg + 1;
    }
    if highest < args.len() {
        return fail(if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(match partial {
        None => Val::Str(out),
        Some(reason) => Val::Partial { text: out, reason },
    })
}

fn append(v: &Verb, arg: &Val, out: &mut String, partial: &mut Option<Reason>) -> Result<(), Fail> {
    // A value known only after apply: a hole where a plain `%s`/`%v` prints it.
    if let Some(r) = arg.unknown_reason() {
        if matches!(v.mode, 's' | 'v') && v.width.is_none() && v.prec.is_none() && !v.sharp {
            match arg {
                Val::Partial { text, .. } => out.push_str(text),
                _ => out.push(HOLE),
            }
            partial.get_or_insert(r);
            return Ok(());
        }
        return Err(Fail::Unknown(r));
    }
    // Terraform errors on a typed null and leaves an untyped one unknown: either way no value.
    if arg.is_null() {
        return fail(format!("null value cannot be formatted with %{}", v.mode));
    }
    let text = match v.mode {
        'v' => match arg {
            Val::Str(_) | Val::Json(_) if !v.sharp => str_of(arg)?,
            Val::Num(n) if !v.sharp => go_g(*n),
            other => json_text(other)?,
        },
        't' => super::bool_of(arg)?.to_string(),
        's' | 'q' => {
            let mut s = str_of(arg)?;
            if let Some(p) = v.prec.filter(|p| *p > 0) {
                s = s.graphemes(true).take(p).collect();
            }
            if v.mode == 'q' {
                json_text(&Val::Str(s))?
            } else {
                s
            }
        }
        'b' | 'd' | 'o' | 'x' | 'X' => return integer(v, super::num_of(arg)?, out),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => return float(v, super::num_of(arg)?, out),
        m => return fail(format!("unsupported format verb %{m}")),
    };
    out.push_str(&pad(v, text));
    Ok(())
}

/// Width counts grapheme clusters; `0` pads with zeros, `-` on the right.
fn pad(v: &Verb, s: String) -> String {
    let Some(w) = v.width else { return s };
    let n = s.graphemes(true).count();
    if n >= w {
        return s;
    }
    let fill = if v.zero { "0" } else { " " }.repeat(w - n);
    if v.minus {
        s + &fill
    } else {
        fill + &s
    }
}

/// What `%v` prints for a number, `big.Float.Text('g', -1)`: the shortest digits, in exponent
/// form when the decimal exponent is below -4 or at least 6 (`1e+06`).
pub fn go_g(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    let sci = format!("{:e}", n.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if n < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let e_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{mant}e{e_sign}{:02}", exp.abs());
    }
    format!("{sign}{}", n.abs())
}

/// Go's integer verbs with flags (`+`, space, `#` for `0b`/`0`/`0x`, zero padding).
fn integer(v: &Verb, n: f64, out: &mut String) -> Result<(), Fail> {
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return fail(format!("an integer is required for %{}", v.mode));
    }
    let i = n as i64;
    let mag = i.unsigned_abs();
    let digits = match v.mode {
        'b' => format!("{mag:b}"),
        'o' => format!("{mag:o}"),
        'x' => format!("{mag:x}"),
        'X' => format!("{mag:X}"),
        _ => mag.to_string(),
    };
    let digits = match v.prec {
        Some(p) if digits.len() < p => format!("{}{digits}", "0".repeat(p - digits.len())),
        Some(0) if mag == 0 => String::new(),
        _ => digits,
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let sign = if i < 0 {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    signed(v, sign, &format!("{prefix}{digits}"), out);
    Ok(())
}

/// Sign, then zero padding between sign and digits (Go), or spaces around.
fn signed(v: &Verb, sign: &str, body: &str, out: &mut String) {
    let len = sign.len() + body.len();
    match v.width {
        Some(w)
            if w > len
                && v.zero
                && !v.minus
                && (v.prec.is_none() || !matches!(v.mode, 'b' | 'd' | 'o' | 'x' | 'X')) =>
        {
            out.push_str(sign);
            out.push_str(&"0".repeat(w - len));
            out.push_str(body);
        }
        _ => {
            let s = format!("{sign}{body}");
            let plain = Verb {
                zero: false,
                minus: v.minus,
                width: v.width,
                ..Verb::default()
            };
            out.push_str(&pad(&plain, s));
        }
    }
}

/// `%e %E %f %F` with Go's default precision of 6; `%g %G` without a precision.
fn float(v: &Verb, n: f64, out: &mut String) -> Result<(), Fail> {
    let sign = if n < 0.0 || (n == 0.0 && n.is_sign_negative()) {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let a = n.abs();
    let body = match v.mode {
        'f' | 'F' => {
            let p = v.prec.unwrap_or(6);
            tie_check(a, p)?;
            format!("{a:.p$}")
        }
        'e' | 'E' => {
            let p = v.prec.unwrap_or(6);
            let shortest = format!("{a:e}");
            let sig = shortest.split('e').next().unwrap_or("").replace('.', "");
            if sig.len() == p + 2 && sig.ends_with('5') && !super::numeric::dyadic(a) {
                return fail("the rounding of this number may differ from Terraform's");
            }
            let s = format!("{a:.p$e}");
            let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            let e = if v.mode == 'E' { 'E' } else { 'e' };
            let es = if exp < 0 { '-' } else { '+' };
            format!("{mant}{e}{es}{:02}", exp.abs())
        }
        _ if v.prec.is_none() => {
            let g = go_g(a);
            if v.mode == 'G' {
                g.to_uppercase()
            } else {
                g
            }
        }
        _ => return fail("`%g` with a precision is not evaluated"),
    };
    signed(v, sign, &body, out);
    Ok(())
}

/// A number written with exactly one more fractional digit than printed, ending in 5, is a
/// tie that Go's arbitrary-precision value may round the other way.
fn tie_check(a: f64, p: usize) -> Result<(), Fail> {
    // A multiple of 1/1024 is exact in both: both round half to even.
    if super::numeric::dyadic(a) {
        return Ok(());
    }
    let s = format!("{a}");
    if let Some((_, frac)) = s.split_once('.') {
        if frac.len() == p + 1 && frac.ends_with('5') {
            return fail("the rounding of this number may differ from Terraform's");
        }
    }
    Ok(())
}

/// `formatlist`: lists are iterated together (same length), other arguments repeat.
fn formatlist(a: &Args) -> Out {
    let spec = a.str(0)?;
    let rest = &a.items[1..];
    let mut len: Option<usize> = None;
    for it in rest {
        if let Val::List(l) = &it.val {
            match len {
                Some(n) if n != l.len() => {
                    return fail(format!(
                        "the lists have different lengths ({n} and {})",
                        l.len()
                    ))
                }
                _ => len = Some(l.len()),
            }
        } else if let Val::Ref(_) | Val::Unknown(_) = &it.val {
            // Could be a list of unknown length.
            list_of(&it.val)?;
        }
    }
    let n = len.unwrap_or(1);
    check_count(n)?;
    let mut out: Vec<Item> = Vec::with_capacity(n);
    let mut total = 0usize;
    for i in 0..n {
        let args: Vec<&Val> = rest
            .iter()
            .map(|it| match &it.val {
                Val::List(l) => &l[i].val,
                v => v,
            })
            .collect();
        let v = format(&spec, &args)?;
        if let Val::Str(s) | Val::Partial { text: s, .. } = &v {
            total = total.saturating_add(s.len());
        }
        check_len(total)?;
        out.push(a.item(v));
    }
    Ok(Val::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn format() {
        check(r#"format("%s-%d", "a", 3)"#, r#""a-3""#);
        check(r#"format("%v %v %v", "a", 1.5, true)"#, r#""a 1.5 true""#);
        check(r#"format("%v", 1000000)"#, r#""1e+06""#);
        check(r#"format("%#v", {a = [1, "x"]})"#, r#""{\"a\":[1,\"x\"]}""#);
        check(r#"format("%v", null)"#, "unknown(*null value*)");
        check(r#"format("%v", jsonencode({a = 1}))"#, r#""{\"a\":1}""#);
        check(
            r#"format("%#v", jsonencode({a = 1}))"#,
            r#""\"{\\\"a\\\":1}\"""#,
        );
        check(r#"format("%q", "a\"b")"#, r#""\"a\\\"b\"""#);
        check(
            r#"format("%5s|%-5s|%.2s", "ab", "cd", "xyz")"#,
            r#""   ab|cd   |xy""#,
        );
        check(
            r#"format("%03d %+d %x %#x %X %o %b", 7, 5, 255, 255, 255, 8, 5)"#,
            r#""007 +5 ff 0xff FF 10 101""#,
        );
        check(r#"format("%05d", -42)"#, r#""-0042""#);
        check(
            r#"format("%.2f %e %E", 3.14159, 1234.5678, 0.000123)"#,
            r#""3.14 1.234568e+03 1.230000E-04""#,
        );
        check(r#"format("%f", 1)"#, r#""1.000000""#);
        check(r#"format("%.2f", 2.675)"#, "unknown(*rounding*)");
        check(
            r#"format("%.0f %.0f %.3e", 0.5, 1.5, 1234.5)"#,
            r#""0 2 1.234e+03""#,
        );
        check(
            r#"format("%.0f %.0f %.3e", 0.5, 1.5, 1234.5)"#,
            r#""0 2 1.234e+03""#,
        );
        check(r#"format("%t", "true")"#, r#""true""#);
        check(r#"format("%[2]s %[1]s %s", "a", "b")"#, r#""b a b""#);
        check(r#"format("100%%")"#, r#""100%""#);
        check(r#"format("%d", 1.5)"#, "unknown(*integer is required*)");
        check(r#"format("%d", "x")"#, "unknown(*not a number)");
        check(r#"format("%s")"#, "unknown(*not enough arguments*)");
        check(r#"format("%s", "a", "b")"#, "unknown(*only 1 used*)");
        check(r#"format("x", "b")"#, "unknown(*no verbs*)");
        check(r#"format("%y", 1)"#, "unknown(*unsupported format verb %y)");
        check(r#"format("%d", null)"#, "unknown(*null*)");
        check(
            r#"format("%999999999d", 1)"#,
            "unknown(`format()`: evaluation budget exceeded*)",
        );
        check(
            r#"format("arn:%s:x", aws_vpc.x.id)"#,
            r#"partial("arn:*:x")"#,
        );
        check(r#"format("%d", aws_vpc.x.id)"#, "unknown(*)");
        check(r#"format(var.unset, "a")"#, "unknown(*unset*)");
    }

    #[test]
    fn formatlist() {
        check(
            r#"formatlist("%s-%s", ["a", "b"], "x")"#,
            r#"["a-x", "b-x"]"#,
        );
        check(
            r#"formatlist("%s=%d", ["a", "b"], [1, 2])"#,
            r#"["a=1", "b=2"]"#,
        );
        check(r#"formatlist("%s", [])"#, "[]");
        check(r#"formatlist("x")"#, r#"["x"]"#);
        check(
            r#"formatlist("%s%s", ["a"], ["b", "c"])"#,
            "unknown(*different lengths*)",
        );
        check(r#"formatlist("%s", [aws_vpc.x.id])"#, r#"[partial("*")]"#);
        check(r#"formatlist("%s", var.unset)"#, "unknown(*unset*)");
        check(
            r#"formatlist("%s", range(1000), range(1000))"#,
            "unknown(*only 1 used*)",
        );
    }
}
