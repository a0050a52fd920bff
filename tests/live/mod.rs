//! Helpers for the tests of `watch` and `serve`: a running errdocs process whose output lines
//! are read as they come, and raw HTTP/1.1 over TCP.
//!
//! Every wait here has a generous bound that only guards against hanging; no test assertion
//! depends on how fast the machine is.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test is declared hung.
pub const HANG: Duration = Duration::from_secs(60);

/// A running errdocs process; killed when dropped. Its output lines arrive on `lines`.
pub struct Running {
    pub child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Runs `errdocs ARGS`.
    pub fn start(args: &[&str]) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_errdocs"));
        command.args(args);
        Running::spawn(command)
    }

    /// Runs `errdocs ARGS` with its open-file limit (soft and hard) set to `nofile`.
    pub fn start_with_nofile(nofile: u32, args: &[&str]) -> Running {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_errdocs"))
            .args(args);
        Running::spawn(command)
    }

    fn spawn(mut command: Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx2.send(line);
            }
        });
        Running {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle`; returns it.
    pub fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + HANG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(short(&line));
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {needle:?}; got:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// The lines printed so far and not yet read, without waiting.
    pub fn take_available(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            match self.lines.try_recv() {
                Ok(line) => {
                    self.seen.push(short(&line));
                    out.push(line);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }

    /// Lines that arrive within `quiet` of each other, until a pause.
    pub fn drain(&mut self, quiet: Duration) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(quiet) {
            self.seen.push(short(&line));
            out.push(line);
        }
        out
    }
}

/// A line as kept for failure messages (some error reports are megabytes long).
fn short(line: &str) -> String {
    match line.char_indices().nth(300) {
        Some((i, _)) => format!("{}... ({} bytes)", &line[..i], line.len()),
        None => line.to_string(),
    }
}

/// `errdocs init DIR/site`.
pub fn init_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_errdocs"))
        .args(["init", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    site
}

/// Polls until `path` exists with content satisfying `pred`.
pub fn wait_for(path: &Path, pred: impl Fn(Option<&str>) -> bool) {
    let deadline = Instant::now() + HANG;
    loop {
        let text = std::fs::read_to_string(path).ok();
        if pred(text.as_deref()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Replaces the file at `path` in one step (written beside it, renamed over it), as editors
/// do: a rebuild never sees it half written.
pub fn write_atomic(path: &Path, text: &str) {
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp-save"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

pub fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A response: status line, header block, body bytes.
pub struct Response {
    pub status: String,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends `raw` as the whole request and reads the response until the server closes.
pub fn raw_request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(HANG)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("no complete response to {raw:?}: {e}"));
    parse_response(&bytes)
}

pub fn parse_response(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
    let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    Response {
        status: status.to_string(),
        headers: headers.to_string(),
        body,
    }
}

/// `GET target` with the given `Host` header (none if `None`).
pub fn get(port: u16, target: &str, host: Option<&str>) -> Response {
    let host_line = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    raw_request(
        port,
        &format!("GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n"),
    )
}

/// The port in a `Serving ... on http://localhost:PORT/` line.
pub fn port_of(line: &str) -> u16 {
    line.split("http://localhost:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line}"))
}

/// `errdocs serve --port 0` on `site` (plus `extra` arguments), after its first build.
pub fn start_serve(site: &Path, extra: &[&str]) -> (Running, u16) {
    let mut args = vec![
        "serve",
        "--root",
        site.to_str().unwrap(),
        "--port",
        "0",
        "--debounce-ms",
        "50",
    ];
    args.extend_from_slice(extra);
    let mut serve = Running::start(&args);
    let port = port_of(&serve.expect("Serving"));
    serve.expect("rebuilt: initial build");
    (serve, port)
}

/// A client of the live-reload event stream that parses Server-Sent Events as a browser does
/// (lines end at CRLF, LF or a lone CR; an empty line dispatches the event).
pub struct Events {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Whether the last byte consumed was a CR (a following LF belongs to it).
    after_cr: bool,
    event: String,
    data: Vec<String>,
}

impl Events {
    pub fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET /__errdocs/events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
        )
        .unwrap();
        stream.set_read_timeout(Some(HANG)).unwrap();
        let mut events = Events {
            stream,
            buf: Vec::new(),
            after_cr: false,
            event: String::new(),
            data: Vec::new(),
        };
        // The response head.
        while !events.buf.windows(4).any(|w| w == b"\r\n\r\n") {
            events.fill();
        }
        let end = events
            .buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap()
            + 4;
        let head = String::from_utf8_lossy(&events.buf[..end]).into_owned();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        events.buf.drain(..end);
        events
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 65536];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("the event stream was closed"),
            Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("no event within {HANG:?}: {e}"),
        }
    }

    /// The next complete line, split as the SSE specification says.
    fn line(&mut self) -> String {
        loop {
            if self.after_cr && self.buf.first() == Some(&b'\n') {
                self.buf.remove(0);
            }
            self.after_cr = false;
            if let Some(i) = self.buf.iter().position(|b| *b == b'\r' || *b == b'\n') {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.after_cr = self.buf[i] == b'\r';
                self.buf.drain(..=i);
                return line;
            }
            self.fill();
        }
    }

    /// The next dispatched event: (type, data).
    pub fn next(&mut self) -> (String, String) {
        loop {
            let line = self.line();
            if line.is_empty() {
                if self.data.is_empty() {
                    self.event.clear();
                    continue;
                }
                let kind = std::mem::take(&mut self.event);
                let data = std::mem::take(&mut self.data).join("\n");
                return (
                    if kind.is_empty() {
                        "message".into()
                    } else {
                        kind
                    },
                    data,
                );
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((&line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => self.event = value.to_string(),
                "data" => self.data.push(value.to_string()),
                _ => {}
            }
        }
    }

    /// Skips events until one of type `kind` whose data satisfies `pred`; returns its data.
    pub fn until(&mut self, kind: &str, pred: impl Fn(&str) -> bool) -> String {
        loop {
            let (k, data) = self.next();
            if k == kind && pred(&data) {
                return data;
            }
        }
    }
}
