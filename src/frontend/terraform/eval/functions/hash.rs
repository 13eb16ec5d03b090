//! Hash functions (`md5`, `sha1`, `sha256`, `sha512`, `base64sha256`, `base64sha512`, `uuidv5`)
//! and their file variants. `bcrypt`, `uuid` and `rsadecrypt` are not evaluated: the first two are
//! random by design and the last needs a private key.

use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{fail, Args, Out, Val};

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" => {
            a.arity(1, 1).and_then(|_| {
                Ok(Val::Str(
                    digest(name, a.str(0)?.as_bytes()).unwrap_or_default(),
                ))
            })
        }
        "uuidv5" => a.arity(2, 2).and_then(|_| uuidv5(&a.str(0)?, &a.str(1)?)),
        "bcrypt" | "uuid" => fail("the result is random on every run"),
        "rsadecrypt" => fail("decryption needs the private key and is not evaluated"),
        _ => return None,
    })
}

/// Hex digest (or base64 of the raw digest for the `base64*` names).
fn digest(name: &str, data: &[u8]) -> Option<String> {
    let raw: Vec<u8> = match name {
        "md5" => Md5::digest(data).to_vec(),
        "sha1" => Sha1::digest(data).to_vec(),
        "sha256" | "base64sha256" => Sha256::digest(data).to_vec(),
        "sha512" | "base64sha512" => Sha512::digest(data).to_vec(),
        _ => return None,
    };
    Some(if name.starts_with("base64") {
        base64::engine::general_purpose::STANDARD.encode(raw)
    } else {
        hex(&raw)
    })
}

fn hex(raw: &[u8]) -> String {
    use std::fmt::Write;
    raw.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `filemd5` & co. and `filebase64` over the bytes of a file; `None` for other names.
pub fn of_file(name: &str, bytes: &[u8]) -> Option<Val> {
    if name == "filebase64" {
        return Some(Val::Str(
            base64::engine::general_purpose::STANDARD.encode(bytes),
        ));
    }
    digest(name.strip_prefix("file")?, bytes).map(Val::Str)
}

/// RFC 4122 version-5 UUID; the namespace is `dns`, `url`, `oid`, `x500` or a UUID.
fn uuidv5(ns: &str, name: &str) -> Out {
    let ns_bytes: [u8; 16] = match ns {
        "dns" => parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        "url" => parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
        "oid" => parse_uuid("6ba7b812-9dad-11d1-80b4-00c04fd430c8"),
        "x500" => parse_uuid("6ba7b814-9dad-11d1-80b4-00c04fd430c8"),
        other => parse_uuid(other),
    }
    .map_or_else(
        || {
            fail(format!(
                "namespace `{ns}` is not dns, url, oid, x500 or a UUID"
            ))
        },
        Ok,
    )?;
    let mut h = Sha1::new();
    h.update(ns_bytes);
    h.update(name.as_bytes());
    let d = h.finalize();
    let mut u = [0u8; 16];
    u.copy_from_slice(&d[..16]);
    u[6] = (u[6] & 0x0f) | 0x50;
    u[8] = (u[8] & 0x3f) | 0x80;
    let x = hex(&u);
    Ok(Val::Str(format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )))
}

/// The forms Go's `uuid.Parse` accepts: plain, `urn:uuid:` prefix, braces, or 32 hex digits.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let s = s
        .strip_prefix("urn:uuid:")
        .or_else(|| s.strip_prefix('{').and_then(|t| t.strip_suffix('}')))
        .unwrap_or(s);
    let hexdigits: String = match s.len() {
        36 => {
            let b = s.as_bytes();
            if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
                return None;
            }
            s.chars().filter(|c| *c != '-').collect()
        }
        32 => s.to_string(),
        _ => return None,
    };
    if hexdigits.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hexdigits.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn hashes() {
        check(
            r#"md5("hello world")"#,
            r#""5eb63bbbe01eeed093cb22bb8f5acdc3""#,
        );
        check(
            r#"sha1("hello world")"#,
            r#""2aae6c35c94fcfb415dbe95f408b9ce91ee846ed""#,
        );
        check(
            r#"sha256("hello world")"#,
            r#""b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9""#,
        );
        check(
            r#"sha512("")"#,
            r#""cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e""#,
        );
        check(
            r#"base64sha256("hello world")"#,
            r#""uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=""#,
        );
        check(
            r#"base64sha512("hello world")"#,
            r#""MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==""#,
        );
        check(r#"md5(1)"#, r#""c4ca4238a0b923820dcc509a6f75849b""#);
        check(r#"md5([])"#, "unknown(`md5()`: a list is not a string)");
        check(r#"md5(var.unset)"#, "unknown(*)");
        check(r#"sha256(aws_vpc.x.id)"#, "unknown(*)");
        check(
            r#"bcrypt("x")"#,
            "unknown(`bcrypt()`: the result is random on every run)",
        );
        check(
            r#"uuid()"#,
            "unknown(`uuid()`: the result is random on every run)",
        );
        check(r#"rsadecrypt("x", "k")"#, "unknown(*private key*)");
    }

    #[test]
    fn uuidv5() {
        // Terraform's documentation examples.
        check(
            r#"uuidv5("dns", "www.terraform.io")"#,
            r#""a5008fae-b28c-5ba5-96cd-82b4c53552d6""#,
        );
        check(
            r#"uuidv5("url", "https://www.terraform.io/")"#,
            r#""9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5""#,
        );
        check(
            r#"uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io")"#,
            r#""a5008fae-b28c-5ba5-96cd-82b4c53552d6""#,
        );
        check(r#"uuidv5("nope", "x")"#, "unknown(*namespace `nope`*)");
        check(r#"uuidv5(var.unset, "x")"#, "unknown(*)");
    }
}
