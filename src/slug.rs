//! The slug rule shared by heading ids and code anchors.
//!
//! A slug is ASCII: letters are lowercased, digits kept, every run of other characters
//! (spaces, punctuation, non-ASCII) becomes one `-`, and leading/trailing `-` are trimmed.
//! `Rate Limits & Quotas` -> `rate-limits-quotas`, `Don’t retry.` -> `don-t-retry`.

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
}
