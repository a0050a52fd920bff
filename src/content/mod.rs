//! Markdown pages: finding them under `content/`, reading their front matter, and the URL each
//! one gets. Rendering a page's body is in [`markdown`]; the directive syntax in [`directive`].

pub(crate) mod directive;
pub(crate) mod markdown;
mod page;

pub(crate) use directive::Directives;
pub(crate) use markdown::directive_blocks;
pub(crate) use page::{CONTENT_DIR, Page, load_page, load_pages};
