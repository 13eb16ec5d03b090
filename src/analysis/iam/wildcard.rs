//! IAM wildcard matching: `*` and `?`, case-insensitive for actions (IAM treats action names
//! case-insensitively). `${aws:username}`-style variables and `[` are literal characters.

use wildmatch::WildMatchPattern;

pub fn action_matches(pattern: &str, action: &str) -> bool {
    // The analyses call this for every (statement action, action) pair; building a wildmatch
    // pattern allocates, which made it the hottest function of a run. IAM actions are ASCII, so
    // match them on bytes without allocating; anything else goes to wildmatch.
    // Most pairs differ in their first letter (two services): decided before scanning either.
    if let (Some(&p), Some(&a)) = (pattern.as_bytes().first(), action.as_bytes().first()) {
        if p.is_ascii() && a.is_ascii() && p != b'*' && p != b'?' && !p.eq_ignore_ascii_case(&a) {
            return false;
        }
    }
    if action.is_ascii() {
        let (mut ascii, mut wild) = (true, false);
        for &b in pattern.as_bytes() {
            ascii &= b.is_ascii();
            wild |= b == b'*' || b == b'?';
        }
        if ascii && !wild {
            // Most patterns are plain action names: equal ignoring case (lengths first).
            return pattern.eq_ignore_ascii_case(action);
        }
        if ascii {
            return ascii_glob(pattern.as_bytes(), action.as_bytes());
        }
    }
    WildMatchPattern::<'*', '?'>::new_case_insensitive(pattern).matches(action)
}

/// One element of a pattern, for [`matches_shape`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `?`: any one character.
    One,
    /// `*` in an IAM pattern: any run of characters.
    Any,
    /// `*` in a shape: a run without `:` or `/` (one ARN segment or resource id).
    Segment,
}

fn tokens(text: &str, star: Tok) -> Vec<Tok> {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '*' => star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// Can some string match both the IAM pattern (`*` = any run, `?` = one character) and the
/// shape of a real ARN (`*` = one segment: no `:` or `/`, as in
/// `arn:*:ec2:*:*:network-interface/*`)? Decided exactly on the product of the two automata;
/// case-insensitive, so in doubt the answer is "yes". Iterative, O(len(pattern) × len(shape)).
pub fn matches_shape(pattern: &str, shape: &str) -> bool {
    let a = tokens(pattern, Tok::Any);
    let b = tokens(shape, Tok::Segment);
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    let is_run = |t: Option<Tok>| matches!(t, Some(Tok::Any | Tok::Segment));
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == a.len() && j == b.len() {
            return true;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        // A run may match nothing.
        if is_run(x) {
            stack.push((i + 1, j));
        }
        if is_run(y) {
            stack.push((i, j + 1));
        }
        // Both consume one common character.
        let (Some(x), Some(y)) = (x, y) else {
            continue;
        };
        let common = match (x, y) {
            (Tok::Lit(p), Tok::Lit(q)) => p == q,
            (Tok::Lit(c), Tok::Segment) | (Tok::Segment, Tok::Lit(c)) => c != ':' && c != '/',
            _ => true,
        };
        if common {
            let ni = if is_run(Some(x)) { i } else { i + 1 };
            let nj = if is_run(Some(y)) { j } else { j + 1 };
            if (ni, nj) != (i, j) {
                stack.push((ni, nj));
            }
        }
    }
    false
}

/// `*` (any run, possibly empty) and `?` (one byte), ASCII case-insensitive: the classic
/// linear matcher that backtracks only to the last `*`.
fn ascii_glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// True when the pattern is a wildcard over a whole service (`ec2:*`) or everything (`*`).
pub fn is_service_wide(pattern: &str) -> bool {
    pattern == "*" || pattern.split_once(':').is_some_and(|(_, a)| a == "*")
}

#[cfg(test)]
mod tests {
    use super::{action_matches, matches_shape as patterns_intersect};

    #[test]
    fn pattern_intersection() {
        let eni = "arn:*:ec2:*:*:network-interface/*";
        assert!(patterns_intersect("*", eni));
        assert!(patterns_intersect(
            "arn:aws:ec2:us-west-2:123456789012:*/*",
            eni
        ));
        assert!(patterns_intersect(
            "arn:aws:ec2:eu-west-1:1:network-interface/eni-0abc",
            eni
        ));
        assert!(patterns_intersect(
            "arn:aws:ec2:*:*:network-interface/?ni-*",
            eni
        ));
        assert!(patterns_intersect("ARN:AWS:EC2:*", eni));
        assert!(!patterns_intersect("arn:aws:ec2:*:*:subnet/*", eni));
        assert!(!patterns_intersect("arn:aws:s3:::bucket/*", eni));
        assert!(!patterns_intersect(
            "arn:aws:ec2:eu-west-1:1:network-interface",
            eni
        ));
        assert!(!patterns_intersect(
            "arn:aws:ec2:*:*:network-interface/eni-*/x",
            eni
        ));
        assert!(patterns_intersect("a*c", "ab*"));
        assert!(!patterns_intersect("a:b", "a*"));
        assert!(patterns_intersect("a?", "a*"));
        assert!(!patterns_intersect("a?", "abc"));
        assert!(patterns_intersect("", ""));
        assert!(patterns_intersect("**", ""));
        assert!(!patterns_intersect("?", ""));
    }

    use wildmatch::WildMatchPattern;

    /// The byte matcher agrees with wildmatch on ASCII input.
    #[test]
    fn ascii_fast_path_agrees_with_wildmatch() {
        let patterns = [
            "",
            "*",
            "**",
            "?",
            "ec2:*",
            "EC2:describe*",
            "ec2:*Network*",
            "ec2:?escribe*s",
            "s3:Get*Object*",
            "*:*",
            "a*b*c",
            "a*b?c*",
            "logs:CreateLogGroup",
            "x*",
            "*x",
            "?*?",
            "ec2:Describe*Interfaces",
            "sqs:*Message",
            "s3:*Object",
        ];
        let texts = [
            "",
            "a",
            "ec2:DescribeSubnets",
            "ec2:DescribeNetworkInterfaces",
            "EC2:CREATENETWORKINTERFACE",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "logs:createloggroup",
            "abc",
            "aXbYc",
            "abbc",
            "acb",
            "x",
            "xx",
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "*",
        ];
        for p in patterns {
            for t in texts {
                let expected = WildMatchPattern::<'*', '?'>::new_case_insensitive(p).matches(t);
                assert_eq!(action_matches(p, t), expected, "{p:?} vs {t:?}");
            }
        }
    }

    #[test]
    fn iam_wildcards() {
        assert!(action_matches("ec2:*", "ec2:CreateNetworkInterface"));
        assert!(action_matches("EC2:describe*", "ec2:DescribeSubnets"));
        assert!(action_matches("*", "ec2:DescribeSubnets"));
        assert!(action_matches(
            "ec2:?eleteNetworkInterface",
            "ec2:DeleteNetworkInterface"
        ));
        assert!(!action_matches(
            "ec2:Describe*",
            "ec2:CreateNetworkInterface"
        ));
        assert!(!action_matches("s3:*", "ec2:CreateNetworkInterface"));
        assert!(!action_matches(
            "ec2:CreateNetworkInterfacePermission",
            "ec2:CreateNetworkInterface"
        ));
    }
}
