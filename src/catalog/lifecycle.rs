//! A code's lifecycle: `since`, `deprecated` (a boolean, or `{ since, why, sunset, replacement }`)
//! and `removed = { since, why, replacement }`, each date or version checked against the site's
//! `versioning` and the steps checked to come in order.

use toml::de::DeValue;

use super::model::{Deprecation, Removed, Versioning};
use crate::diagnostics::{Diagnostics, Problem};
use crate::tomlread::{Located, Table};

pub(super) const REMOVED_KEYS: &[&str] = &["since", "why", "replacement"];
pub(super) const DEPRECATED_KEYS: &[&str] = &["since", "why", "sunset", "replacement"];

/// A lifecycle read from a `[[code]]` table, with the spans of its dates for later checks.
#[derive(Default)]
pub(super) struct Lifecycle {
    pub(super) since: Option<Located<String>>,
    pub(super) deprecated: Option<Deprecation>,
    pub(super) removed: Option<Removed>,
    /// `replaced_by`, `deprecated.replacement` or `removed.replacement` (one of them).
    pub(super) replacement: Option<Located<String>>,
}

/// Reads a date or version of key `key` (named `shown` in messages), checked against
/// `versioning`.
fn version(
    t: &Table,
    key: &str,
    shown: &'static str,
    versioning: Versioning,
    diags: &mut Diagnostics,
) -> Option<Located<String>> {
    let value = t.string(key, diags)?;
    let trimmed = value.value.trim().to_string();
    let problem = if trimmed.is_empty() {
        Some(Problem::EmptyValue { key: shown })
    } else if versioning != Versioning::Text && versioning.key(&trimmed).is_none() {
        Some(Problem::InvalidVersion {
            key: shown,
            value: trimmed.clone(),
            versioning: versioning.name(),
        })
    } else {
        None
    };
    match problem {
        Some(p) => {
            diags.at(p, t.source(), value.span);
            None
        }
        None => Some(Located::new(trimmed, value.span)),
    }
}

/// Reads `since`, `deprecated` and `removed` of a code, and `replaced_by` (`replaced_by` may be
/// given once: there, or as the `replacement` of `deprecated` or `removed`).
pub(super) fn read(
    t: &Table,
    replaced_by: Option<Located<String>>,
    versioning: Versioning,
    diags: &mut Diagnostics,
) -> Lifecycle {
    let since = version(t, "since", "since", versioning, diags);
    let mut replacement = replaced_by.map(|r| ("replaced_by", r));
    let mut steps: Vec<(&'static str, Located<String>)> =
        since.iter().map(|s| ("since", s.clone())).collect();
    let deprecated = read_deprecated(t, versioning, &mut replacement, &mut steps, diags);
    let removed = t.table("removed", REMOVED_KEYS, diags).map(|r| {
        take_replacement(&r, &mut replacement, diags);
        let since = version(&r, "since", "removed.since", versioning, diags);
        steps.extend(since.iter().map(|s| ("removed.since", s.clone())));
        Removed {
            since: since.map(|s| s.value),
            why: r.string("why", diags),
        }
    });
    check_order(t, versioning, &steps, diags);
    Lifecycle {
        since,
        deprecated,
        removed,
        replacement: replacement.map(|(_, r)| r),
    }
}

/// `deprecated = true` or `deprecated = { since, why, sunset, replacement }`.
fn read_deprecated(
    t: &Table,
    versioning: Versioning,
    replacement: &mut Option<(&'static str, Located<String>)>,
    steps: &mut Vec<(&'static str, Located<String>)>,
    diags: &mut Diagnostics,
) -> Option<Deprecation> {
    let value = t.get("deprecated")?;
    match value.get_ref() {
        DeValue::Boolean(b) => b.then(Deprecation::default),
        DeValue::Table(_) => {
            let d = t.table("deprecated", DEPRECATED_KEYS, diags)?;
            take_replacement(&d, replacement, diags);
            let since = version(&d, "since", "deprecated.since", versioning, diags);
            let sunset = version(&d, "sunset", "deprecated.sunset", versioning, diags);
            steps.extend(since.iter().map(|s| ("deprecated.since", s.clone())));
            steps.extend(sunset.iter().map(|s| ("deprecated.sunset", s.clone())));
            Some(Deprecation {
                since: since.map(|s| s.value),
                why: d.string("why", diags),
                sunset: sunset.map(|s| s.value),
            })
        }
        other => {
            diags.at(
                Problem::WrongType {
                    key: "deprecated".into(),
                    expected: "a boolean or a table `{ since, why, sunset, replacement }`",
                    found: crate::tomlread::type_name(other),
                },
                t.source(),
                value.span(),
            );
            None
        }
    }
}

/// The `replacement` of `deprecated` or `removed`: the code's one replacement, unless another
/// key named it already.
fn take_replacement(
    t: &Table,
    replacement: &mut Option<(&'static str, Located<String>)>,
    diags: &mut Diagnostics,
) {
    let Some(rep) = super::common::code_name(t, "replacement", diags) else {
        return;
    };
    match replacement {
        Some((other, _)) => diags.at(
            Problem::ConflictingKeys {
                key: "replacement",
                value: rep.value.clone(),
                other,
            },
            t.source(),
            rep.span,
        ),
        None => *replacement = Some(("replacement", rep)),
    }
}

/// Each step of a lifecycle comes no earlier than the steps before it (when the site's
/// `versioning` makes them comparable).
fn check_order(
    t: &Table,
    versioning: Versioning,
    steps: &[(&'static str, Located<String>)],
    diags: &mut Diagnostics,
) {
    for (i, (key, value)) in steps.iter().enumerate() {
        let Some(this) = versioning.key(&value.value) else {
            continue;
        };
        let earlier = steps[..i]
            .iter()
            .find(|(_, e)| versioning.key(&e.value).is_some_and(|before| this < before));
        if let Some((earlier_key, earlier)) = earlier {
            diags.at(
                Problem::LifecycleOutOfOrder {
                    key,
                    value: value.value.clone(),
                    earlier_key,
                    earlier: earlier.value.clone(),
                },
                t.source(),
                value.span.clone(),
            );
        }
    }
}
