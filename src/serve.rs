//! `errdocs serve`: watch + a local HTTP server over the output, with live reload.
//!
//! Safety first, because a dev server is reachable from every page the browser opens: it binds
//! 127.0.0.1 unless told otherwise, serves only files inside the output directory (`..`,
//! `%2e%2e`, encoded slashes, backslashes and symlinks out are refused), answers only requests
//! with exactly one well-formed `Host` that is the bound address, `localhost` or an allowed
//! name (DNS rebinding), sends no CORS headers and disables caching.
//!
//! The site is served under its base path (`/docs/` for `base_url = "https://example.com/docs/"`,
//! learnt from each build), `/` redirects there, and every file is the built file byte for
//! byte, except the live-reload script added to pages. Until the first build succeeded every
//! request gets a "building" page (status 503) that reloads by itself, or shows the errors.
//!
//! Live reload uses Server-Sent Events on the same port (`/__errdocs/events`). The small client
//! script is injected into served HTML only, never into `build` output. While the build is
//! broken every page shows an overlay with the errors; it reloads by itself when the build is
//! good again. A build outcome only updates the shared state: each event stream has its own
//! thread, which sends the latest state (one pending event per client, the newest wins) with a
//! deadline, so a client that stops reading is dropped and never holds up a rebuild or
//! another client.
//!
//! Limits, against slow or abusive clients: at most `MAX_CONNECTIONS` open connections (a
//! quarter of the open-file limit if that is lower; when full, the oldest connection still
//! sending its request is closed to make room), `REQUEST_DEADLINE` to send a whole request
//! head of at most `MAX_REQUEST_HEAD` bytes, `RESPONSE_DEADLINE` to take a response,
//! `EVENT_DEADLINE` to take each live-reload event, at most `MAX_STREAMS` event streams
//! (the oldest is closed; the browser reconnects).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Problem};
use crate::watch::Outcome;

pub const EVENTS_PATH: &str = "/__errdocs/events";
const CLIENT_PATH: &str = "/__errdocs/livereload.js";
const CLIENT_JS: &str = include_str!("theme/livereload.js");

/// Open connections at most (fewer if the open-file limit is low).
const MAX_CONNECTIONS: usize = 256;
/// Live-reload event streams at most; a new one closes the oldest.
const MAX_STREAMS: usize = 32;
/// Time a client has to send a whole request head, from the moment it connected.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Size of a request head at most.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Time a client has to take a whole response.
const RESPONSE_DEADLINE: Duration = Duration::from_secs(30);
/// Time a live-reload client has to take one event; a slower one is dropped.
const EVENT_DEADLINE: Duration = Duration::from_secs(10);
/// A comment is sent on an idle event stream this often, so closed ones are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
const THREAD_STACK: usize = 256 * 1024;

/// What the server knows of the latest build.
#[derive(Default)]
struct Live {
    /// Increases with every recorded outcome; event streams wait for it to change.
    version: u64,
    /// Increases with every successful build.
    generation: u64,
    /// The errors of the latest build, if it failed.
    errors: Option<String>,
    /// The base path of the last good build; `None` until a build succeeded.
    base_path: Option<String>,
}

impl Live {
    /// The event telling the current state, once a build has finished.
    fn event(&self) -> Option<String> {
        if let Some(text) = &self.errors {
            // As a JSON string the text holds no CR or LF, which would end the data line.
            let data = serde_json::Value::String(text.clone());
            return Some(format!("event: failed\ndata: {data}\n\n"));
        }
        (self.generation > 0).then(|| format!("event: built\ndata: {}\n\n", self.generation))
    }
}

/// The server's settings.
pub struct ServeOptions {
    pub bind: IpAddr,
    pub port: u16,
    /// Extra host names accepted in the `Host` header.
    pub allowed_hosts: Vec<String>,
}

/// What an open connection is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Sending its request: the oldest such connection is closed to make room.
    Reading,
    Responding,
    Streaming,
}

/// An open connection, shared by its thread and the registry (which may close it).
struct Conn {
    stream: TcpStream,
    evicted: AtomicBool,
}

#[derive(Default)]
struct Conns {
    next_id: u64,
    /// By id, so the first one of a phase is the oldest.
    open: BTreeMap<u64, (Arc<Conn>, Phase)>,
}

/// A running server: what the connection threads share.
struct Server {
    root: PathBuf,
    addr: SocketAddr,
    allowed_hosts: Vec<String>,
    max_connections: usize,
    live: Mutex<Live>,
    /// Signalled when `live` changes or a stream is evicted.
    changed: Condvar,
    conns: Mutex<Conns>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
        if e.kind() == ErrorKind::AddrInUse {
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
        max_connections: connection_limit(),
        live: Mutex::new(Live::default()),
        changed: Condvar::new(),
        conns: Mutex::new(Conns::default()),
    });
    let accept = Arc::clone(&server);
    std::thread::Builder::new()
        .name("errdocs-accept".into())
        .spawn(move || accept.accept_loop(&listener))
        .map_err(io)?;
    Ok((addr, Handle { server }))
}

/// `MAX_CONNECTIONS`, or a quarter of the open-file limit if lower (the rest is for builds).
fn connection_limit() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse::<usize>().ok()
        });
    soft.map_or(MAX_CONNECTIONS / 4, |n| (n / 4).clamp(8, MAX_CONNECTIONS))
}

/// Records build outcomes for live reload.
pub struct Handle {
    server: Arc<Server>,
}

impl Handle {
    /// Takes note of a build's outcome and wakes the event streams; never waits for a client.
    pub fn record(&self, outcome: &Outcome) {
        let mut live = lock(&self.server.live);
        match outcome {
            Outcome::Rebuilt { base_path, .. } => {
                live.generation += 1;
                live.errors = None;
                live.base_path = Some(base_path.clone());
            }
            Outcome::Failed { .. } => live.errors = Some(outcome.report()),
        }
        live.version += 1;
        drop(live);
        self.server.changed.notify_all();
    }
}

/// Removes a connection from the registry when its thread ends, however it ends.
struct Slot {
    server: Arc<Server>,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        lock(&self.server.conns).open.remove(&self.id);
    }
}

impl Server {
    fn accept_loop(self: &Arc<Self>, listener: &TcpListener) {
        loop {
            match listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::ConnectionAborted | ErrorKind::Interrupted
                    ) => {}
                // Out of descriptors or memory: give the open connections time to finish
                // instead of spinning.
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// Registers a new connection (making room if needed) and answers it on its own thread.
    fn admit(self: &Arc<Self>, stream: TcpStream) {
        let conn = Arc::new(Conn {
            stream,
            evicted: AtomicBool::new(false),
        });
        let mut conns = lock(&self.conns);
        // Full: close the oldest connection still sending its request, else the oldest event
        // stream (its browser reconnects); refuse only if every connection is being answered.
        if conns.open.len() >= self.max_connections
            && !self.evict(&mut conns, Phase::Reading)
            && !self.evict(&mut conns, Phase::Streaming)
        {
            drop(conns);
            refuse(&conn.stream);
            return;
        }
        let id = conns.next_id;
        conns.next_id += 1;
        conns.open.insert(id, (Arc::clone(&conn), Phase::Reading));
        drop(conns);
        let slot = Slot {
            server: Arc::clone(self),
            id,
        };
        // If the thread cannot be started, the closure and its slot are dropped: closed.
        let _ = std::thread::Builder::new()
            .name("errdocs-conn".into())
            .stack_size(THREAD_STACK)
            .spawn(move || slot.server.handle(slot.id, &conn));
    }

    /// Closes the oldest connection in `phase`; whether there was one.
    fn evict(&self, conns: &mut Conns, phase: Phase) -> bool {
        let Some(id) = conns
            .open
            .iter()
            .find(|(_, (_, p))| *p == phase)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        if let Some((conn, _)) = conns.open.remove(&id) {
            conn.evicted.store(true, Ordering::SeqCst);
            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
        }
        // Taking the lock orders this wake-up after a stream's check of its flag.
        drop(lock(&self.live));
        self.changed.notify_all();
        true
    }

    fn set_phase(&self, id: u64, phase: Phase) {
        if let Some(entry) = lock(&self.conns).open.get_mut(&id) {
            entry.1 = phase;
        }
    }

    /// Reads one request and answers it.
    fn handle(&self, id: u64, conn: &Conn) {
        let stream = &conn.stream;
        let head = match read_head(stream, Instant::now() + REQUEST_DEADLINE) {
            Ok(head) => head,
            Err(HeadError::Closed) => return,
            Err(HeadError::Timeout) => {
                return send(
                    stream,
                    &Reply::text("408 Request Timeout", "request too slow\n"),
                );
            }
            Err(HeadError::TooLarge) => {
                let reply = Reply::text("431 Request Header Fields Too Large", "too large\n");
                return send(stream, &reply);
            }
        };
        self.set_phase(id, Phase::Responding);
        let request = match parse_request(&head) {
            Ok(request) => request,
            Err(why) => return send(stream, &Reply::text("400 Bad Request", &format!("{why}\n"))),
        };
        let Some(name) = host_name(&request.host) else {
            return send(stream, &Reply::text("400 Bad Request", "malformed Host\n"));
        };
        if !self.host_allowed(&name) {
            let why =
                "errdocs serve: this Host is not allowed (use localhost or add --allow-host)\n";
            return send(stream, &Reply::text("403 Forbidden", why));
        }
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let mut reply = Reply::text("405 Method Not Allowed", "only GET and HEAD\n");
            reply.headers.push(("Allow", "GET, HEAD".into()));
            return send(stream, &reply);
        }
        match self.route(&request.target) {
            Route::Events if head_only => {
                let mut reply = Reply::new("200 OK", "text/event-stream", Vec::new());
                reply.head_only = true;
                send(stream, &reply);
            }
            Route::Events => self.stream_events(id, conn),
            Route::Reply(mut reply) => {
                if head_only {
                    reply.head_only = true;
                }
                send(stream, &reply);
            }
        }
    }

    fn host_allowed(&self, name: &str) -> bool {
        if name == "localhost" {
            return true;
        }
        if let Ok(ip) = name.parse::<IpAddr>() {
            let bound = self.addr.ip();
            return ip == bound
                || (ip.is_loopback() && (bound.is_loopback() || bound.is_unspecified()));
        }
        self.allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }

    /// What to answer for a request target.
    fn route(&self, target: &str) -> Route {
        let target = target.split('#').next().unwrap_or("");
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        if path == EVENTS_PATH {
            return Route::Events;
        }
        if path == CLIENT_PATH {
            let js = "text/javascript; charset=utf-8";
            return Route::Reply(Reply::new("200 OK", js, CLIENT_JS.as_bytes().to_vec()));
        }
        let (base, generation, errors) = {
            let live = lock(&self.live);
            (live.base_path.clone(), live.generation, live.errors.clone())
        };
        let Some(base) = base else {
            return Route::Reply(building_page(errors.as_deref()));
        };
        // `/` and `/docs` lead to `/docs/`.
        if (path == "/" && base != "/") || (path == base.trim_end_matches('/') && !path.is_empty())
        {
            let location = match query {
                Some(q) => format!("{base}?{q}"),
                None => base,
            };
            return Route::Reply(Reply::redirect(location));
        }
        let reply = match path.strip_prefix(base.trim_end_matches('/')) {
            Some(rest) if rest.starts_with('/') => match self.resolve(rest) {
                Resolved::File(file) => self.file_reply(&file, "200 OK", generation),
                Resolved::Forbidden => Reply::text(
                    "403 Forbidden",
                    "errdocs serve: outside the output directory\n",
                ),
                Resolved::BadRequest => {
                    Reply::text("400 Bad Request", "errdocs serve: malformed path\n")
                }
                Resolved::NotFound => self.not_found(generation),
                Resolved::Unslashed => {
                    let page = path.trim_end_matches('/');
                    Reply::redirect(match query {
                        Some(q) => format!("{page}?{q}"),
                        None => page.to_string(),
                    })
                }
            },
            _ if !path.starts_with('/') => {
                Reply::text("400 Bad Request", "errdocs serve: malformed path\n")
            }
            _ => self.not_found(generation),
        };
        Route::Reply(reply)
    }

    fn not_found(&self, generation: u64) -> Reply {
        let page = self.root.join("404.html");
        if page.is_file() {
            self.file_reply(&page, "404 Not Found", generation)
        } else {
            Reply::text("404 Not Found", "not found\n")
        }
    }

    /// Sends the live-reload events: the current state, then every change, until the client
    /// goes away, is too slow to take an event, or is evicted by a newer stream.
    fn stream_events(&self, id: u64, conn: &Conn) {
        {
            let mut conns = lock(&self.conns);
            if let Some(entry) = conns.open.get_mut(&id) {
                entry.1 = Phase::Streaming;
            }
            let streams = conns
                .open
                .values()
                .filter(|(_, p)| *p == Phase::Streaming)
                .count();
            if streams > MAX_STREAMS {
                self.evict(&mut conns, Phase::Streaming);
            }
        }
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        let deadline = || Instant::now() + EVENT_DEADLINE;
        if write_by(&conn.stream, header.as_bytes(), deadline()).is_err() {
            return;
        }
        let mut seen = 0;
        while let Some(event) = self.next_event(conn, &mut seen) {
            match write_by(&conn.stream, event.as_bytes(), deadline()) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::TimedOut => {
                    eprintln!(
                        "errdocs serve: dropped a live-reload client that took no event for {} s",
                        EVENT_DEADLINE.as_secs()
                    );
                    return;
                }
                Err(_) => return,
            }
        }
    }

    /// Waits until the state is newer than `seen` (then returns its event) or the stream is
    /// idle for [`KEEPALIVE`] (then a comment); `None` once the connection was evicted.
    fn next_event(&self, conn: &Conn, seen: &mut u64) -> Option<String> {
        let live = lock(&self.live);
        let (live, _) = self
            .changed
            .wait_timeout_while(live, KEEPALIVE, |l| {
                l.version == *seen && !conn.evicted.load(Ordering::SeqCst)
            })
            .unwrap_or_else(PoisonError::into_inner);
        if conn.evicted.load(Ordering::SeqCst) {
            return None;
        }
        if live.version == *seen {
            return Some(": keep-alive\n\n".into());
        }
        *seen = live.version;
        Some(live.event().unwrap_or_default())
    }

    /// Maps a request path (below the base path) to a file inside the output directory,
    /// refusing anything else.
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
        // `/guide` is `guide.html` with `trailing_slash = false` (as on GitHub Pages, Netlify,
        // Cloudflare Pages).
        let mut dot_html = candidate.clone().into_os_string();
        dot_html.push(".html");
        let dot_html = PathBuf::from(dot_html);
        let dir = decoded.ends_with('/') || rel.as_os_str().is_empty();
        let candidates = if dir {
            vec![candidate.join("index.html")]
        } else {
            vec![
                candidate.clone(),
                candidate.join("index.html"),
                dot_html.clone(),
            ]
        };
        for c in candidates {
            match Self::inside(&root, &c) {
                Resolved::NotFound => {}
                found => return found,
            }
        }
        // `/guide/` of a page at `/guide` (`guide.html`): redirected there, as Netlify and
        // Cloudflare Pages do, so relative links on it resolve as they will once published.
        if dir
            && !rel.as_os_str().is_empty()
            && matches!(Self::inside(&root, &dot_html), Resolved::File(_))
        {
            return Resolved::Unslashed;
        }
        Resolved::NotFound
    }

    /// `path` if it is a file inside `root` (`Forbidden` if it leads outside).
    fn inside(root: &Path, path: &Path) -> Resolved {
        let Ok(real) = path.canonicalize() else {
            return Resolved::NotFound;
        };
        if !real.starts_with(root) {
            return Resolved::Forbidden;
        }
        if real.is_file() {
            Resolved::File(real)
        } else {
            Resolved::NotFound
        }
    }

    /// A file of the output as it is, pages with the live-reload script added.
    fn file_reply(&self, file: &Path, status: &'static str, generation: u64) -> Reply {
        let Ok(bytes) = std::fs::read(file) else {
            return Reply::text("404 Not Found", "not found\n");
        };
        let content_type = content_type(file);
        if content_type.starts_with("text/html") {
            let html = inject(&String::from_utf8_lossy(&bytes), generation);
            Reply::new(status, content_type, html.into_bytes())
        } else {
            Reply::new(status, content_type, bytes)
        }
    }
}

enum Route {
    Events,
    Reply(Reply),
}

enum Resolved {
    File(PathBuf),
    /// `/guide/` where the page is `/guide` (`guide.html`, `trailing_slash = false`).
    Unslashed,
    NotFound,
    Forbidden,
    BadRequest,
}

/// A response, sent whole and then the connection is closed.
struct Reply {
    status: &'static str,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    head_only: bool,
}

impl Reply {
    fn new(status: &'static str, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            headers: Vec::new(),
            body,
            head_only: false,
        }
    }

    fn text(status: &'static str, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn redirect(location: String) -> Reply {
        let mut reply = Reply::text("302 Found", &format!("see {location}\n"));
        reply.headers.push(("Location", location));
        reply
    }

    fn bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if !self.head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn send(stream: &TcpStream, reply: &Reply) {
    let _ = write_by(stream, &reply.bytes(), Instant::now() + RESPONSE_DEADLINE);
}

/// Answers a connection there is no room for, without ever waiting on it.
fn refuse(stream: &TcpStream) {
    let mut reply = Reply::text(
        "503 Service Unavailable",
        "errdocs serve: too many connections\n",
    );
    reply.headers.push(("Retry-After", "1".into()));
    if stream.set_nonblocking(true).is_ok() {
        let _ = (&*stream).write(&reply.bytes());
    }
}

/// Writes all of `bytes` before `deadline`, or fails.
fn write_by(mut stream: &TcpStream, mut bytes: &[u8], deadline: Instant) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(bytes) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

enum HeadError {
    Closed,
    Timeout,
    TooLarge,
}

/// Reads a request head (up to its empty line) before `deadline`: a deadline for the whole
/// head, not for each read, so a client trickling bytes cannot hold the connection.
fn read_head(mut stream: &TcpStream, deadline: Instant) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::Timeout);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Closed)?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(_) => return Err(HeadError::Closed),
        };
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&head[from..]) {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > MAX_REQUEST_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

/// Where the head ends (after its empty line: CRLF CRLF, or LF LF), in `bytes`.
fn head_end(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find_map(|i| {
        let rest = &bytes[i..];
        if rest.starts_with(b"\n\r\n") {
            Some(i + 3)
        } else if rest.starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

struct Request {
    method: String,
    target: String,
    /// The value of the one `Host` header.
    host: String,
}

/// Parses a request head strictly: `METHOD TARGET HTTP/1.x`, header names that are tokens,
/// no folded lines, no bare CR, exactly one `Host`.
fn parse_request(head: &[u8]) -> Result<Request, &'static str> {
    let text = std::str::from_utf8(head).map_err(|_| "the request is not UTF-8")?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or_default();
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return Err("malformed request line");
    };
    if !matches!(*version, "HTTP/1.1" | "HTTP/1.0") || !is_token(method) || target.is_empty() {
        return Err("malformed request line");
    }
    let mut host = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        if line.contains('\r') {
            return Err("a bare CR in the request");
        }
        let (name, value) = line.split_once(':').ok_or("malformed header")?;
        if !is_token(name) {
            return Err("malformed header name (or a folded line)");
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err("more than one Host header");
            }
            host = Some(value.trim_matches([' ', '\t']).to_string());
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host: host.ok_or("no Host header")?,
    })
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The host name of a `Host` value, lowercased (an IPv6 address without its brackets), if
/// the value is well-formed: `name`, `name:port`, `[v6]` or `[v6]:port`, where a name is
/// letters, digits, `-` and `.`, and a port is 1 to 5 digits up to 65535.
fn host_name(value: &str) -> Option<String> {
    let (name, port) = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (inside, port)
    } else {
        let (name, port) = match value.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (value, None),
        };
        let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
        if name.is_empty() || !name.bytes().all(valid) {
            return None;
        }
        (name, port)
    };
    if let Some(port) = port {
        let digits =
            !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
        if !digits || port.parse::<u32>().map_or(true, |p| p > 65535) {
            return None;
        }
    }
    Some(name.to_ascii_lowercase())
}

/// The page every request gets until the first build succeeded: "building", or the errors of
/// the failed build; it reloads by itself once the build is written.
fn building_page(errors: Option<&str>) -> Reply {
    let body = match errors {
        None => "<h1>Building the site…</h1>\n<p>This page reloads by itself when the first \
                 build is written.</p>"
            .to_string(),
        Some(text) => format!(
            "<h1>The build failed</h1>\n<p>Fix the errors and save: this page reloads by itself \
             when the build is good.</p>\n<pre>{}</pre>",
            crate::html::escape(text)
        ),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>errdocs serve: building the site</title>\n</head>\n<body>\n<main style=\"font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem\">\n{body}\n</main>\n</body>\n</html>\n"
    );
    let mut reply = Reply::new(
        "503 Service Unavailable",
        "text/html; charset=utf-8",
        inject(&html, 0).into_bytes(),
    );
    reply.headers.push(("Retry-After", "1".into()));
    reply
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

    #[test]
    fn host_values_are_parsed_strictly() {
        for (value, name) in [
            ("localhost", Some("localhost")),
            ("LocalHost:1111", Some("localhost")),
            ("[::1]:80", Some("::1")),
            ("[::1]", Some("::1")),
            ("127.0.0.1:65535", Some("127.0.0.1")),
            ("[localhost].evil.example", None),
            ("localhost:evil", None),
            ("localhost:1:2", None),
            ("localhost:65536", None),
            ("localhost:", None),
            ("::1", None),
            ("a b", None),
            ("", None),
        ] {
            assert_eq!(host_name(value).as_deref(), name, "{value:?}");
        }
    }

    #[test]
    fn failed_events_cannot_break_the_framing() {
        let live = Live {
            version: 2,
            generation: 1,
            errors: Some("a\rb\nc\r\n\nevent: built".into()),
            base_path: None,
        };
        let event = live.event().unwrap_or_default();
        let body = event.strip_suffix("\n\n").unwrap_or_default();
        assert!(!body.contains('\r'), "{event:?}");
        assert_eq!(
            body.split('\n').count(),
            2,
            "one event line, one data line: {event:?}"
        );
    }
}
