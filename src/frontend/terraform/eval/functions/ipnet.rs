//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`, over IPv4 and
//! IPv6 (addresses held as `u128` with the family's width). Go's parser also accepts leading
//! zeros and prints IPv4-mapped IPv6 addresses in IPv4 form: such input is unknown here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{check_count, fail, Args, Out};
use crate::frontend::terraform::eval::Val;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "cidrhost" => a.arity(2, 2).and_then(|_| {
            let (net, num) = (a.str(0)?, wide(a, 1)?);
            let n = parse(&net)?;
            match n.host(num) {
                Some(ip) => Ok(Val::Str(n.show(ip))),
                None => fail(format!(
                    "prefix of {} does not accommodate a host numbered {num}",
                    n.len
                )),
            }
        }),
        "cidrnetmask" => a.arity(1, 1).and_then(|_| {
            let net = a.str(0)?;
            let n = parse(&net)?;
            if n.bits != 32 {
                return fail(format!("IPv6 addresses cannot have a netmask: {net}"));
            }
            Ok(Val::Str(n.show(n.mask(n.len))))
        }),
        "cidrsubnet" => a.arity(3, 3).and_then(|_| {
            let net = a.str(0)?;
            let (newbits, num) = (a.int(1)?, wide(a, 2)?);
            let n = parse(&net)?;
            let new_len = i64::from(n.len) + newbits;
            if newbits < 0 || new_len > i64::from(n.bits) {
                return fail(format!(
                    "insufficient address space to extend prefix of {} by {newbits}",
                    n.len
                ));
            }
            if num < 0 || (newbits < 127 && num >> newbits != 0) {
                return fail(format!(
                    "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
                ));
            }
            let new_len = new_len as u32;
            let add = (num as u128).checked_shl(n.bits - new_len).unwrap_or(0);
            Ok(Val::Str(format!("{}/{new_len}", n.show(n.base() | add))))
        }),
        "cidrsubnets" => cidrsubnets(a),
        _ => return None,
    })
}

/// A host or subnet number as wide as IPv6 needs: Terraform's numbers are arbitrary-precision,
/// and the evaluator's `f64` numbers are exact (`eval/numbers.rs`), so a whole `f64` below
/// 2^127 in magnitude is that number.
fn wide(a: &Args, i: usize) -> Result<i128, super::Fail> {
    let n = a.num(i)?;
    if n.fract() != 0.0 {
        return fail(format!(
            "{} is not a whole number",
            super::super::fmt_num(n)
        ));
    }
    if n.abs() >= 1.7e38 {
        return fail(format!(
            "{} is beyond any IPv6 host or subnet number",
            super::super::fmt_num(n)
        ));
    }
    Ok(n as i128)
}

/// A parsed network: address, prefix length, width of the family (32 or 128).
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

fn parse(s: &str) -> Result<Net, super::Fail> {
    let bad = || fail(format!("invalid CIDR expression: `{s}`"));
    let Some((addr, len)) = s.split_once('/') else {
        return bad();
    };
    let Ok(len) = len.parse::<u32>() else {
        return bad();
    };
    let (addr, bits) = match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => (u128::from(u32::from(a)), 32),
        Ok(IpAddr::V6(a)) if a.to_ipv4_mapped().is_none() => (u128::from(a), 128),
        _ => return bad(),
    };
    if len > bits {
        return bad();
    }
    Ok(Net { addr, len, bits })
}

impl Net {
    fn all(&self) -> u128 {
        if self.bits == 128 {
            u128::MAX
        } else {
            (1u128 << self.bits) - 1
        }
    }

    /// The mask of a prefix length, within the family's width.
    fn mask(&self, len: u32) -> u128 {
        if len == 0 {
            0
        } else {
            (u128::MAX << (128 - len)) >> (128 - self.bits)
        }
    }

    fn base(&self) -> u128 {
        self.addr & self.mask(self.len)
    }

    fn show(&self, ip: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(ip as u32).to_string()
        } else {
            Ipv6Addr::from(ip).to_string()
        }
    }

    /// Host `num` of the network; negative numbers count from the end. In `u128`: an IPv6
    /// network may have 2^128 hosts.
    fn host(&self, num: i128) -> Option<u128> {
        let host_bits = self.bits - self.len;
        // The last host number (2^host_bits - 1).
        let last: u128 = if host_bits == 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        let n: u128 = if num < 0 {
            let back = num.unsigned_abs();
            if back > last {
                return None;
            }
            last - (back - 1)
        } else {
            let n = num as u128;
            if n > last {
                return None;
            }
            n
        };
        Some(self.base() | n)
    }
}

/// Consecutive subnets of the given extensions, each after the previous one (go-cidr's
/// `PreviousSubnet` / `NextSubnet`, so smaller blocks after larger ones are aligned up).
fn cidrsubnets(a: &Args) -> Out {
    a.arity(1, usize::MAX)?;
    let net = a.str(0)?;
    let n = parse(&net)?;
    let exts: Vec<i64> = (1..a.len()).map(|i| a.int(i)).collect::<Result<_, _>>()?;
    check_count(exts.len())?;
    let Some(&first) = exts.first() else {
        return Ok(Val::List(Vec::new()));
    };
    let all = n.all();
    let base = n.base();
    let first_len = (i64::from(n.len) + first).clamp(0, i64::from(n.bits)) as u32;
    let mut cur = base.wrapping_sub(1) & all & n.mask(first_len);
    let mut cur_len = first_len;
    let mut out = Vec::new();
    for (i, ext) in exts.iter().enumerate() {
        if *ext < 1 {
            return fail(format!(
                "argument {}: must extend prefix by at least one bit",
                i + 2
            ));
        }
        if *ext > 32 {
            return fail(format!(
                "argument {}: may not extend prefix by more than 32 bits",
                i + 2
            ));
        }
        let len = i64::from(n.len) + ext;
        if len > i64::from(n.bits) {
            let v = if n.bits == 32 { "IPv4" } else { "IPv6" };
            return fail(format!(
                "would extend prefix to {len} bits, which is too long for an {v} address"
            ));
        }
        let len = len as u32;
        let last = cur | (!n.mask(cur_len) & all);
        let sub_last = (last & n.mask(len)) | (!n.mask(len) & all);
        let next_ip = sub_last.wrapping_add(1) & all;
        let next = next_ip & n.mask(len);
        if next_ip == 0 || next & n.mask(n.len) != base {
            return fail(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {}/{cur_len}",
                n.show(cur)
            ));
        }
        cur = next;
        cur_len = len;
        out.push(format!("{}/{len}", n.show(cur)));
    }
    Ok(a.str_list(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn through_hcl() {
        check(r#"cidrsubnet("172.16.0.0/12", 4, 2)"#, r#""172.18.0.0/16""#);
        check(r#"cidrsubnet("10.1.2.0/24", 4, 15)"#, r#""10.1.2.240/28""#);
        check(
            r#"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"#,
            r#""fd00:fd12:3456:7800:a200::/72""#,
        );
        check(r#"cidrsubnet("10.0.0.0/16", 4, 15)"#, r#""10.0.240.0/20""#);
        check(
            r#"cidrsubnet("10.0.0.0/30", 8, 0)"#,
            "unknown(*insufficient address space*)",
        );
        check(
            r#"cidrsubnet("2600:1f18::/56", 8, 2)"#,
            r#""2600:1f18:0:2::/64""#,
        );
        check(r#"cidrhost("10.0.1.0/24", -2)"#, r#""10.0.1.254""#);
        check(
            r#"cidrsubnet("10.0.0.0/8", 40, 1)"#,
            "unknown(`cidrsubnet()`: insufficient address space*)",
        );
        check(
            r#"cidrsubnet("10.0.0.0/16", 8, 256)"#,
            "unknown(*does not accommodate a subnet numbered 256)",
        );
        check(
            r#"cidrsubnet("nope", 8, 1)"#,
            "unknown(*invalid CIDR expression*)",
        );
        check(r#"cidrsubnet(var.unset, 8, 1)"#, "unknown(*unset*)");
        check(r#"cidrhost("10.12.112.0/20", 16)"#, r#""10.12.112.16""#);
        check(r#"cidrhost("10.12.112.0/20", 268)"#, r#""10.12.113.12""#);
        check(
            r#"cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)"#,
            r#""fd00:fd12:3456:7890::22""#,
        );
        check(
            r#"cidrhost("10.0.0.0/30", 4)"#,
            "unknown(*does not accommodate a host numbered 4)",
        );
        check(r#"cidrhost(var.unset, 1)"#, "unknown(*unset*)");
        check(r#"cidrnetmask("172.16.0.0/12")"#, r#""255.240.0.0""#);
        check(
            r#"cidrnetmask("::/64")"#,
            "unknown(*IPv6 addresses cannot have a netmask*)",
        );
        check(r#"cidrnetmask(var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn cidrsubnets() {
        check(
            r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#,
            r#"["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]"#,
        );
        check(
            r#"cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)"#,
            r#"["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]"#,
        );
        check(r#"cidrsubnets("10.0.0.0/8")"#, "[]");
        check(
            r#"cidrsubnets("10.0.0.0/30", 1, 1, 1)"#,
            "unknown(*not enough remaining address space*)",
        );
        check(
            r#"cidrsubnets("10.0.0.0/8", 0)"#,
            "unknown(*at least one bit)",
        );
        check(
            r#"cidrsubnets("10.0.0.0/8", 30)"#,
            "unknown(*too long for an IPv4 address)",
        );
        check(r#"cidrsubnets(var.unset, 4)"#, "unknown(*unset*)");
    }
}
