//! `errdocs serve`: watch + a local HTTP server over the output, with live reload.
//!
//! Safety first, because a dev server is reachable from every page the browser opens: it binds
//! 127.0.0.1 unless told otherwise, serves only files inside the output directory (`..`,
//! `%2e%2e`, encoded slashes, backslashes and symlinks out are refused), answers only requests
//! whose `Host` is the bound address, `localhost` or an allowed name (DNS rebinding), sends no
//! CORS headers and disables caching.
//!
//! Live reload uses Server-Sent Events on the same port (`/__errdocs/events`). The small client
//! script is injected into served HTML only, never into `build` output. While the build is
//! broken every page shows an overlay with the errors; it reloads by itself when the build is
//! good again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Problem};
use crate::watch::Outcome;

pub const EVENTS_PATH: &str = "/__errdocs/events";
const CLIENT_PATH: &str = "/__errdocs/livereload.js";
const CLIENT_JS: &str = include_str!("theme/livereload.js");

/// What the server knows of the latest build.
#[derive(Default)]
struct Live {
    /// Increases with every successful build.
    generation: u64,
    /// The errors of the latest build, if it failed.
    errors: Option<String>,
    /// Open event streams.
    clients: Vec<TcpStream>,
}

impl Live {
    fn event(&self) -> String {
        match &self.errors {
            Some(text) => {
                let data: String = text.lines().map(|l| format!("data: {l}\n")).collect();
                format!("event: failed\n{data}\n")
            }
            None => format!("event: built\ndata: {}\n\n", self.generation),
        }
    }

    fn broadcast(&mut self) {
        let event = self.event();
        self.clients.retain_mut(|c| {
            c.write_all(event.as_bytes())
                .and_then(|()| c.flush())
                .is_ok()
        });
    }
}

/// The server's settings.
pub struct ServeOptions {
    pub bind: std::net::IpAddr,
    pub port: u16,
    /// Extra host names accepted in the `Host` header.
    pub allowed_hosts: Vec<String>,
}

/// A running server: what the request handlers share.
struct Server {
    root: PathBuf,
    addr: SocketAddr,
    allowed_hosts: Vec<String>,
    live: Mutex<Live>,
}

/// Binds the server (a port in use is a clear error) and returns its address and a handle
/// that records build outcomes. Requests are answered on background threads.
pub fn start(output: &Path, options: &ServeOptions) -> Result<(SocketAddr, Handle), Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::bare(Problem::Io {
            action: "listen for connections",
            message: format!("{}:{}: {e}", options.bind, options.port),
        })
    };
    let listener = TcpListener::bind((options.bind, options.port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            Diagnostic::bare(Problem::PortInUse {
                bind: options.bind,
                port: options.port,
            })
        } else {
            io(e)
        }
    })?;
    let addr = listener.local_addr().map_err(io)?;
    let server = Arc::new(Server {
        root: output.to_path_buf(),
        addr,
        allowed_hosts: options.allowed_hosts.clone(),
        live: Mutex::new(Live::default()),
    });
    let accept = Arc::clone(&server);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = Arc::clone(&accept);
            std::thread::spawn(move || server.handle(stream));
        }
    });
    Ok((addr, Handle { server }))
}

/// Records build outcomes for live reload.
pub struct Handle {
    server: Arc<Server>,
}

impl Handle {
    pub fn record(&self, outcome: &Outcome) {
        let Ok(mut live) = self.server.live.lock() else {
            return;
        };
        match outcome {
            Outcome::Rebuilt { .. } => {
                live.generation += 1;
                live.errors = None;
            }
            Outcome::Failed { .. } => live.errors = Some(outcome.report()),
        }
        live.broadcast();
    }
}

struct Request {
    method: String,
    target: String,
    host: Option<String>,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut host = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            break;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("host")
        {
            host = Some(value.trim().to_string());
        }
    }
    Some(Request {
        method,
        target,
        host,
    })
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8], head: bool) {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    if !head {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

impl Server {
    fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return false;
        };
        // Strip the port: `[::1]:1111`, `localhost:1111`.
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or("")
        } else {
            host.rsplit_once(':').map_or(host, |(h, _)| h)
        };
        let name = name.to_ascii_lowercase();
        let ip = self.addr.ip();
        name == "localhost"
            || name == ip.to_string()
            || (ip.is_unspecified() && (name == "127.0.0.1" || name == "::1"))
            || (ip.is_loopback() && (name == "127.0.0.1" || name == "::1"))
            || self
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&name))
    }

    fn handle(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let Some(request) = read_request(&stream) else {
            return;
        };
        if !self.host_allowed(request.host.as_deref()) {
            respond(
                &mut stream,
                "403 Forbidden",
                "text/plain; charset=utf-8",
                b"errdocs serve: this Host is not allowed (use localhost or add --allow-host)\n",
                false,
            );
            return;
        }
        let head = request.method == "HEAD";
        if request.method != "GET" && !head {
            respond(
                &mut stream,
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                b"only GET and HEAD\n",
                false,
            );
            return;
        }
        let path = request.target.split(['?', '#']).next().unwrap_or("/");
        if path == EVENTS_PATH {
            self.subscribe(stream);
            return;
        }
        if path == CLIENT_PATH {
            respond(
                &mut stream,
                "200 OK",
                "text/javascript; charset=utf-8",
                CLIENT_JS.as_bytes(),
                head,
            );
            return;
        }
        match self.resolve(path) {
            Resolved::File(file) => self.send_file(&mut stream, &file, "200 OK", head),
            Resolved::Forbidden => respond(
                &mut stream,
                "403 Forbidden",
                "text/plain; charset=utf-8",
                b"errdocs serve: outside the output directory\n",
                head,
            ),
            Resolved::BadRequest => respond(
                &mut stream,
                "400 Bad Request",
                "text/plain; charset=utf-8",
                b"errdocs serve: malformed path\n",
                head,
            ),
            Resolved::NotFound => {
                let page = self.root.join("404.html");
                if page.is_file() {
                    self.send_file(&mut stream, &page, "404 Not Found", head);
                } else {
                    respond(
                        &mut stream,
                        "404 Not Found",
                        "text/plain; charset=utf-8",
                        b"not found\n",
                        head,
                    );
                }
            }
        }
    }

    fn subscribe(&self, mut stream: TcpStream) {
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if stream.write_all(header.as_bytes()).is_err() {
            return;
        }
        let Ok(mut live) = self.live.lock() else {
            return;
        };
        let event = live.event();
        if stream.write_all(event.as_bytes()).is_ok() && stream.flush().is_ok() {
            live.clients.push(stream);
        }
    }

    /// Maps a request path to a file inside the output directory, refusing anything else.
    fn resolve(&self, raw: &str) -> Resolved {
        if !raw.starts_with('/') {
            return Resolved::BadRequest;
        }
        let lowered = raw.to_ascii_lowercase();
        // Encoded slashes and backslashes could smuggle separators past the segment check.
        if lowered.contains("%2f") || lowered.contains("%5c") || raw.contains('\\') {
            return Resolved::BadRequest;
        }
        let decoded = crate::urls::percent_decode(raw);
        if decoded.contains('\0') || decoded.contains('\\') {
            return Resolved::BadRequest;
        }
        let mut rel = PathBuf::new();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => {}
                ".." => return Resolved::Forbidden,
                s => rel.push(s),
            }
        }
        let Ok(root) = self.root.canonicalize() else {
            return Resolved::NotFound;
        };
        let candidate = root.join(&rel);
        let candidates = if decoded.ends_with('/') || rel.as_os_str().is_empty() {
            vec![candidate.join("index.html")]
        } else {
            vec![candidate.clone(), candidate.join("index.html")]
        };
        for c in candidates {
            let Ok(real) = c.canonicalize() else {
                continue;
            };
            if !real.starts_with(&root) {
                return Resolved::Forbidden;
            }
            if real.is_file() {
                return Resolved::File(real);
            }
        }
        Resolved::NotFound
    }

    fn send_file(&self, stream: &mut TcpStream, file: &Path, status: &str, head: bool) {
        let Ok(bytes) = std::fs::read(file) else {
            respond(
                stream,
                "404 Not Found",
                "text/plain; charset=utf-8",
                b"not found\n",
                head,
            );
            return;
        };
        let content_type = content_type(file);
        if content_type.starts_with("text/html") {
            let html = inject(&String::from_utf8_lossy(&bytes), self.current_generation());
            respond(stream, status, content_type, html.as_bytes(), head);
        } else {
            respond(stream, status, content_type, &bytes, head);
        }
    }

    fn current_generation(&self) -> u64 {
        self.live.lock().map_or(0, |l| l.generation)
    }
}

enum Resolved {
    File(PathBuf),
    NotFound,
    Forbidden,
    BadRequest,
}

/// Adds the live-reload client to a served page, just before `</body>`.
fn inject(html: &str, generation: u64) -> String {
    let tag = format!(
        "<script src=\"{CLIENT_PATH}\" data-events=\"{EVENTS_PATH}\" data-generation=\"{generation}\"></script>\n"
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_closing_body_only() {
        let html = inject("<html><body><p>x</p></body></html>", 3);
        assert!(
            html.contains("data-generation=\"3\"></script>\n</body>"),
            "{html}"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("errors.json")), "application/json");
        assert_eq!(content_type(Path::new("x.bin")), "application/octet-stream");
    }
}
