//! "Did you mean": the nearest names to a mistyped one, for `explain`, `--rule`/`--skip-rule`
//! and `graph --function`. One place, so every command suggests the same way.

/// How a name is matched: the whole name (rule IDs and slugs) or a part of it (`graph
/// --function` matches names that contain it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Whole,
    Within,
}

/// Up to three candidates nearest to `word` (case-insensitive edit distance, ties in the
/// candidates' order), only those close enough to be a plausible typo: at most a third of the
/// compared length, at least 2 edits. For [`Match::Whole`] a candidate containing the word (or
/// contained in it) counts as distance 1; for [`Match::Within`] the distance is to the closest
/// part of the candidate.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    how: Match,
) -> Vec<&'a str> {
    let word = word.to_lowercase();
    let mut scored: Vec<(usize, usize, &'a str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let lower = c.to_lowercase();
            let (d, compared) = match how {
                Match::Within => (distance(&word, &lower, true), word.chars().count()),
                Match::Whole
                    if !word.is_empty() && (lower.contains(&word) || word.contains(&lower)) =>
                {
                    (1, 0)
                }
                Match::Whole => (
                    distance(&word, &lower, false),
                    word.chars().count().max(lower.chars().count()),
                ),
            };
            let limit = (compared / 3).max(2);
            (d <= limit).then_some((d, i, c))
        })
        .collect();
    scored.sort();
    let mut out: Vec<&'a str> = Vec::new();
    for (_, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// ", did you mean `a`, `b`?" or nothing.
pub fn did_you_mean(names: &[&str]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("; did you mean {}?", quoted.join(", "))
}

/// Levenshtein distance over chars, or with `within` the distance from `a` to the closest
/// substring of `b` (a free start and end in `b`). Inputs are names typed on a command line, so
/// the two-row table is small (names longer than 256 chars are compared by their first 256).
fn distance(a: &str, b: &str, within: bool) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev: Vec<usize> = if within {
        vec![0; b.len() + 1]
    } else {
        (0..=b.len()).collect()
    };
    let mut row = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    if within {
        prev.into_iter().min().unwrap_or(0)
    } else {
        prev[b.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_names_and_noise_finds_nothing() {
        let names = ["LVL001", "LVL101", "public-subnet-no-internet", "LVL002"];
        let whole = |w| nearest(w, names, Match::Whole);
        assert_eq!(whole("LVL01"), ["LVL001", "LVL101", "LVL002"]);
        assert_eq!(whole("lvl0001")[0], "LVL001");
        assert_eq!(
            whole("public-subnet-no-intenet"),
            ["public-subnet-no-internet"]
        );
        assert!(whole("completely-different").is_empty());
        assert_eq!(distance("kitten", "sitting", false), 3);
        let functions = ["aws_lambda_function.webhook", "aws_lambda_function.orders"];
        assert_eq!(
            nearest("webhok", functions, Match::Within),
            ["aws_lambda_function.webhook"]
        );
        assert!(nearest("zzzzzz", functions, Match::Within).is_empty());
        assert_eq!(did_you_mean(&["a", "b"]), "; did you mean `a`, `b`?");
        assert_eq!(did_you_mean(&[]), "");
    }
}
