//! Moving the spans of a loaded catalog after an edit of its text (`watch`): when one
//! `[[code]]` table is re-read alone (`load::reload_code`), everything written after it moves
//! by the number of bytes the edit added or removed. Every type holding a span implements
//! [`Shift`], destructuring itself whole, so a span added to the model later cannot be missed
//! (the compiler asks for it).

use std::ops::Range;

use super::model::*;
use crate::tomlread::Located;

/// Spans that start at or after `from` move by `by` bytes.
pub(super) trait Shift {
    fn shift(&mut self, from: usize, by: isize);
}

impl Shift for Range<usize> {
    fn shift(&mut self, from: usize, by: isize) {
        if self.start >= from {
            self.start = self.start.saturating_add_signed(by);
            self.end = self.end.saturating_add_signed(by);
        }
    }
}

impl<T> Shift for Located<T> {
    fn shift(&mut self, from: usize, by: isize) {
        self.span.shift(from, by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, from: usize, by: isize) {
        if let Some(t) = self {
            t.shift(from, by);
        }
    }
}

impl<T: Shift> Shift for [T] {
    fn shift(&mut self, from: usize, by: isize) {
        for t in self {
            t.shift(from, by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, from: usize, by: isize) {
        self.as_mut_slice().shift(from, by);
    }
}

impl Shift for Catalog {
    fn shift(&mut self, from: usize, by: isize) {
        let Catalog {
            source: _,
            fields,
            statuses,
            envelopes,
            categories,
            codes,
            retry,
            by_anchor: _,
            by_key: _,
            by_alias: _,
            by_category: _,
            listed: _,
            children: _,
            replaced: _,
        } = self;
        fields.shift(from, by);
        statuses.shift(from, by);
        envelopes.shift(from, by);
        categories.shift(from, by);
        codes.shift(from, by);
        retry.shift(from, by);
    }
}

impl Shift for FieldDef {
    fn shift(&mut self, from: usize, by: isize) {
        let FieldDef {
            name: _,
            title: _,
            kind: _,
            required: _,
            column: _,
            page: _,
            export: _,
            description,
        } = self;
        description.shift(from, by);
    }
}

impl Shift for StatusDef {
    fn shift(&mut self, from: usize, by: isize) {
        let StatusDef {
            status: _,
            name: _,
            description,
        } = self;
        description.shift(from, by);
    }
}

impl Shift for Envelope {
    fn shift(&mut self, from: usize, by: isize) {
        let Envelope {
            id: _,
            title: _,
            description,
            language: _,
            http_status: _,
            http: _,
            example: _,
            note,
            fields,
            problem,
        } = self;
        description.shift(from, by);
        note.shift(from, by);
        fields.shift(from, by);
        problem.shift(from, by);
    }
}

impl Shift for EnvelopeField {
    fn shift(&mut self, from: usize, by: isize) {
        let EnvelopeField {
            name: _,
            kind: _,
            required: _,
            description,
            from: _,
        } = self;
        description.shift(from, by);
    }
}

impl Shift for Category {
    fn shift(&mut self, from: usize, by: isize) {
        let Category {
            id: _,
            id_span,
            title: _,
            range: _,
            description,
            order: _,
            namespace: _,
            columns: _,
            headings: _,
            envelope: _,
            values: _,
            sources: _,
            page_path: _,
        } = self;
        id_span.shift(from, by);
        description.shift(from, by);
    }
}

impl Shift for Code {
    fn shift(&mut self, from: usize, by: isize) {
        let Code {
            key: _,
            anchor: _,
            category: _,
            also_in: _,
            parent: _,
            label: _,
            message: _,
            statuses: _,
            fix,
            meaning,
            detail,
            docs,
            retry: _,
            retry_how,
            retry_override: _,
            since: _,
            deprecated,
            example: _,
            fields,
            replaced_by: _,
            removed,
            aliases,
            span,
        } = self;
        fix.shift(from, by);
        meaning.shift(from, by);
        detail.shift(from, by);
        docs.shift(from, by);
        retry_how.shift(from, by);
        deprecated.shift(from, by);
        for (_, value) in fields {
            value.shift(from, by);
        }
        removed.shift(from, by);
        aliases.shift(from, by);
        span.shift(from, by);
    }
}

impl Shift for Deprecation {
    fn shift(&mut self, from: usize, by: isize) {
        let Deprecation {
            since: _,
            why,
            sunset: _,
        } = self;
        why.shift(from, by);
    }
}

impl Shift for Removed {
    fn shift(&mut self, from: usize, by: isize) {
        let Removed { since: _, why } = self;
        why.shift(from, by);
    }
}

impl Shift for FieldValue {
    fn shift(&mut self, from: usize, by: isize) {
        match self {
            FieldValue::Text(_) => {}
            FieldValue::Markdown(t) | FieldValue::Url(t) => t.shift(from, by),
            FieldValue::List(items) => items.shift(from, by),
        }
    }
}

impl Shift for Alias {
    fn shift(&mut self, from: usize, by: isize) {
        match self {
            Alias::Code { span, .. } | Alias::Url { span, .. } => span.shift(from, by),
        }
    }
}

impl Shift for RetryRule {
    fn shift(&mut self, from: usize, by: isize) {
        let RetryRule {
            target: _,
            policy: _,
            retryable: _,
            how,
            label: _,
            headers: _,
            override_reason: _,
        } = self;
        how.shift(from, by);
    }
}
