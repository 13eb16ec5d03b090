//! `file:` URIs and paths, both ways. Editors percent-encode paths differently (VS Code encodes
//! `:` in drive letters, others do not), so decoding accepts any escape and encoding escapes
//! everything but unreserved characters and `/`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path of a `file:` URI (absolute, lexically normalised); `None` for other schemes, a host
/// other than `localhost`, or an escape that is not UTF-8.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` has an empty authority; `file://localhost/p` names this machine.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(at) if rest[..at].eq_ignore_ascii_case("localhost") => &rest[at..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = decode(path)?;
    // `/C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', d, b':', ..] if cfg!(windows) && d.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    let path = PathBuf::from(decoded);
    path.is_absolute().then(|| crate::paths::normalize(&path))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // Every byte outside the unreserved set is escaped, so this always parses.
    Uri::from_str(&out).expect("an escaped file URI parses")
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let p = Path::new("/work/my infra/ü#1.tf");
        let u = from_path(p);
        assert_eq!(u.as_str(), "file:///work/my%20infra/%C3%BC%231.tf");
        assert_eq!(to_path(&u).as_deref(), Some(p));
        assert_eq!(
            to_path(&uri("file://localhost/a/./b/../c.tf")).as_deref(),
            Some(Path::new("/a/c.tf"))
        );
    }

    #[test]
    fn other_schemes_and_hosts_are_no_paths() {
        for u in [
            "untitled:Untitled-1",
            "https://example.com/a.tf",
            "file://server/share/a.tf",
            "file:///a%ff.tf",
        ] {
            assert_eq!(to_path(&uri(u)), None, "{u}");
        }
    }
}
