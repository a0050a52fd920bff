//! The slug rule shared by heading ids and code anchors.
//!
//! A slug is ASCII: letters are lowercased, digits kept, every run of other characters
//! (spaces, punctuation, non-ASCII) becomes one `-`, and leading/trailing `-` are trimmed.
//! `Rate Limits & Quotas` -> `rate-limits-quotas`, `Don’t retry.` -> `don-t-retry`.
//! Ids made from slugs are made unique on a page by [`Suffixes`].

use std::collections::HashMap;

pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

/// True when `text` can be used verbatim as an HTML id and URL fragment under our rule:
/// non-empty and made only of ASCII letters, digits, `.`, `_` and `-`.
pub(crate) fn is_verbatim_anchor(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Makes generated ids unique on a page: `base` (`section` when empty) if it is free, else the
/// first free of `base-1`, `base-2`, ... It remembers for each base where to resume, so `n`
/// equal headings cost `n` lookups, not `n * n / 2` (20,000 equal headings took 177 s; found by
/// the long fuzz run). Correct because the caller takes every id it is given and ids are never
/// freed: every suffix below the one remembered is taken.
#[derive(Default)]
pub(crate) struct Suffixes(HashMap<String, usize>);

impl Suffixes {
    /// The unique id for `base`; `taken` says whether an id is already used on the page.
    pub(crate) fn unique(&mut self, base: String, taken: impl Fn(&str) -> bool) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if !taken(&base) {
            return base;
        }
        let next = self.0.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if !taken(&candidate) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Rate Limits & Quotas"), "rate-limits-quotas");
        assert_eq!(slugify("Missing Bearer token."), "missing-bearer-token");
        assert_eq!(slugify("Don’t retry"), "don-t-retry");
        assert_eq!(slugify("  --2FA!  "), "2fa");
        assert_eq!(slugify("→"), "");
    }

    #[test]
    fn verbatim_anchors() {
        assert!(is_verbatim_anchor("PG-1003"));
        assert!(is_verbatim_anchor("-32602"));
        assert!(is_verbatim_anchor("-32000..-32099"));
        assert!(!is_verbatim_anchor("401 / 403"));
        assert!(!is_verbatim_anchor(""));
    }

    #[test]
    fn suffixes_skip_taken_ids_and_resume() {
        let mut taken = std::collections::HashSet::new();
        let mut suffixes = Suffixes::default();
        let mut take = |base: &str, taken: &mut std::collections::HashSet<String>| {
            let id = suffixes.unique(base.to_string(), |id| taken.contains(id));
            taken.insert(id.clone());
            id
        };
        taken.insert("b-2".to_string());
        assert_eq!(take("a", &mut taken), "a");
        assert_eq!(take("a", &mut taken), "a-1");
        assert_eq!(take("", &mut taken), "section");
        assert_eq!(take("", &mut taken), "section-1");
        assert_eq!(take("b", &mut taken), "b");
        assert_eq!(take("b", &mut taken), "b-1");
        assert_eq!(take("b", &mut taken), "b-3");
        assert_eq!(take("b", &mut taken), "b-4");
        assert_eq!(take("a", &mut taken), "a-2");
        // 20,000 equal headings: linear (quadratic took minutes).
        for _ in 0..20_000 {
            take("same", &mut taken);
        }
        assert_eq!(take("same", &mut taken), "same-20000");
    }
}
