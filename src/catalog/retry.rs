//! Statuses and retry guidance as the API defines them: a code's HTTP statuses (`status = 404`
//! or `status = [404, 400]`), the API's own names of statuses (`[[status]]`), `[[retry]]` rules
//! with the headers that control retries, and the validation of retry policies against their
//! statuses, which a catalog relaxes explicitly, with a reason (`retry_override`).

use toml::de::DeValue;

use super::common::{CodeIndex, FirstSeen, code_name, policy, status, unknown_code};
use super::model::{Code, RetryPolicy, RetryRule, RetryTarget, StatusDef};
use crate::diagnostics::{Diagnostics, Need, Problem, Source};
use crate::tomlread::{self, Located, Table};

pub(super) const STATUS_KEYS: &[&str] = &["status", "name", "description"];
pub(super) const RETRY_KEYS: &[&str] = &[
    "status",
    "code",
    "policy",
    "retryable",
    "how",
    "label",
    "headers",
    "retry_override",
];

/// A code's `status`: one HTTP status, or a list of them with the typical one first.
pub(super) fn read_statuses(
    t: &Table,
    declared: &[u16],
    diags: &mut Diagnostics,
) -> Vec<Located<u16>> {
    let Some(value) = t.get("status") else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        return status(t, "status", declared, diags).into_iter().collect();
    };
    if items.is_empty() {
        diags.at(
            Problem::EmptyList { key: "status" },
            t.source(),
            value.span(),
        );
    }
    let mut out: Vec<Located<u16>> = Vec::new();
    for item in items.iter() {
        let Some(n) = tomlread::integer(item.get_ref()) else {
            diags.at(
                Problem::WrongType {
                    key: "status".into(),
                    expected: "an HTTP status or an array of them",
                    found: tomlread::type_name(item.get_ref()),
                },
                t.source(),
                item.span(),
            );
            continue;
        };
        let known =
            crate::http_status::reason(n).is_some() || declared.iter().any(|&d| i64::from(d) == n);
        match known.then_some(()) {
            None => diags.at(
                Problem::InvalidStatus {
                    status: n.to_string(),
                },
                t.source(),
                item.span(),
            ),
            Some(_) if out.iter().any(|s| i64::from(s.value) == n) => diags.at(
                Problem::RepeatedValue {
                    key: "status",
                    value: n.to_string(),
                },
                t.source(),
                item.span(),
            ),
            Some(_) => out.push(Located::new(n as u16, item.span())),
        }
    }
    out
}

/// `[[status]]`: the API's own name and description of an HTTP status. A status outside the
/// registry (499 "Client Closed Request") is accepted when it has a name.
pub(super) fn read_status_def(
    t: &Table,
    seen: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<StatusDef> {
    if t.get("status").is_none() {
        t.missing("status", Need::Always, diags);
    }
    let name = t.string("name", diags);
    if let Some(n) = &name
        && n.value.trim().is_empty()
    {
        diags.at(
            Problem::EmptyValue { key: "name" },
            t.source(),
            n.span.clone(),
        );
    }
    let description = t.string("description", diags);
    let value = t.int("status", diags)?;
    let registered = crate::http_status::reason(value.value).is_some();
    let problem = if !(100..=599).contains(&value.value) {
        Some(Problem::InvalidStatus {
            status: value.value.to_string(),
        })
    } else if !registered && name.is_none() {
        Some(Problem::UnnamedStatus {
            status: value.value as u16,
        })
    } else {
        None
    };
    if let Some(p) = problem {
        diags.at(p, t.source(), value.span);
        return None;
    }
    let shown = value.value.to_string();
    seen.insert("status", &shown, &shown, t.source(), value.span, diags)
        .then_some(StatusDef {
            status: value.value as u16,
            name: name.map(|n| n.value.trim().to_string()),
            description,
        })
}

/// A non-empty `retry_override` reason, if the table has one.
pub(super) fn read_override(t: &Table, diags: &mut Diagnostics) -> Option<Located<String>> {
    let reason = t.string("retry_override", diags)?;
    if reason.value.trim().is_empty() {
        diags.at(
            Problem::EmptyValue {
                key: "retry_override",
            },
            t.source(),
            reason.span.clone(),
        );
        return None;
    }
    Some(reason)
}

/// Checks a policy against every status it applies to. A contradiction is an error unless the
/// catalog overrides it with a reason; an override with nothing to override is an error too.
pub(super) fn check_policy(
    policy: &Located<RetryPolicy>,
    statuses: &[u16],
    reason: Option<&Located<String>>,
    source: &Source,
    diags: &mut Diagnostics,
) {
    let contradictions: Vec<(u16, &'static str)> = statuses
        .iter()
        .filter_map(|&s| policy.value.contradiction(s).map(|why| (s, why)))
        .collect();
    match reason {
        Some(r) if contradictions.is_empty() => diags.at(
            Problem::NeedlessRetryOverride {
                policy: policy.value.name().to_string(),
                statuses: statuses.to_vec(),
            },
            source,
            r.span.clone(),
        ),
        Some(_) => {}
        None => {
            for (status, reason) in contradictions {
                diags.at(
                    Problem::RetryContradiction {
                        policy: policy.value.name().to_string(),
                        status,
                        reason,
                    },
                    source,
                    policy.span.clone(),
                );
            }
        }
    }
}

/// `headers = ["Retry-After", "Stripe-Should-Retry"]`: HTTP field names, each once.
fn read_headers(t: &Table, diags: &mut Diagnostics) -> Vec<String> {
    let Some(names) = t.strings("headers", diags) else {
        return Vec::new();
    };
    if names.is_empty()
        && let Some(v) = t.get("headers")
    {
        diags.at(Problem::EmptyList { key: "headers" }, t.source(), v.span());
    }
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        let problem = if name.value.is_empty() || !name.value.bytes().all(token) {
            Problem::InvalidHeaderName {
                value: name.value.clone(),
            }
        } else if out.iter().any(|h| h.eq_ignore_ascii_case(&name.value)) {
            Problem::RepeatedValue {
                key: "headers",
                value: name.value.clone(),
            }
        } else {
            out.push(name.value);
            continue;
        };
        diags.at(problem, t.source(), name.span);
    }
    out
}

/// A `[[retry]]` rule, for a status or for one code, checked against the statuses it covers.
pub(super) fn read_retry(
    t: &Table,
    codes: &[Code],
    index: &CodeIndex,
    declared: &[u16],
    seen: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<RetryRule> {
    let source = t.source();
    let policy_value = policy(t, diags, "policy");
    if t.get("policy").is_none() {
        let choices = RetryPolicy::ALL.map(RetryPolicy::name).to_vec();
        t.missing("policy", Need::Policy { choices }, diags);
    }
    let headers = read_headers(t, diags);
    let reason = read_override(t, diags);
    let code_name = code_name(t, "code", diags);
    let status_value = status(t, "status", declared, diags);
    let (target, target_span, statuses) = match (&status_value, &code_name) {
        (Some(s), None) => (RetryTarget::Status(s.value), s.span.clone(), vec![s.value]),
        (None, Some(name)) => {
            let Some(i) = index.find(&name.value) else {
                unknown_code(source, name, codes, diags);
                return None;
            };
            let statuses = codes[i].statuses.clone();
            (RetryTarget::Code(i), name.span.clone(), statuses)
        }
        (Some(_), Some(name)) => {
            diags.at(
                Problem::ConflictingKeys {
                    key: "code",
                    value: name.value.clone(),
                    other: "status",
                },
                source,
                name.span.clone(),
            );
            return None;
        }
        (None, None) => {
            if t.get("status").is_none() {
                t.missing("status", Need::RetryTarget, diags);
            }
            return None;
        }
    };
    let policy_value = policy_value?;
    check_policy(&policy_value, &statuses, reason.as_ref(), source, diags);
    let target_name = match &target {
        RetryTarget::Status(s) => format!("status {s}"),
        RetryTarget::Code(i) => format!("code {}", codes[*i].key.raw()),
    };
    seen.insert(
        "retry rule for",
        &target_name,
        &target_name,
        source,
        target_span,
        diags,
    );
    Some(RetryRule {
        target,
        policy: policy_value.value,
        retryable: t.string("retryable", diags).map(|r| r.value),
        how: t.string("how", diags),
        label: t.string("label", diags).map(|l| l.value),
        headers,
        override_reason: reason.map(|r| r.value.trim().to_string()),
    })
}

/// A code without a policy of its own inherits the policy of the rule for its typical status.
/// That policy must suit its other statuses too, unless `retry_override` says why it does not;
/// an override there when nothing contradicts is an error.
pub(super) fn check_inherited(
    policy: Option<RetryPolicy>,
    statuses: &[Located<u16>],
    reason: Option<&Located<String>>,
    source: &Source,
    diags: &mut Diagnostics,
) {
    let contradictions: Vec<(&Located<u16>, &'static str)> = match policy {
        Some(p) => statuses
            .iter()
            .filter_map(|s| p.contradiction(s.value).map(|why| (s, why)))
            .collect(),
        None => Vec::new(),
    };
    match reason {
        Some(r) if contradictions.is_empty() => diags.at(
            Problem::NeedlessRetryOverride {
                policy: policy.map_or("none", RetryPolicy::name).to_string(),
                statuses: statuses.iter().map(|s| s.value).collect(),
            },
            source,
            r.span.clone(),
        ),
        Some(_) => {}
        None => {
            for (status, why) in contradictions {
                diags.at(
                    Problem::RetryContradiction {
                        policy: policy.map_or("none", RetryPolicy::name).to_string(),
                        status: status.value,
                        reason: why,
                    },
                    source,
                    status.span.clone(),
                );
            }
        }
    }
}
