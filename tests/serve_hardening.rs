//! `serve` under stress and abuse, with real processes and real HTTP over TCP: requests before
//! the first build, a live-reload client that stops reading, slow connections (slowloris) under
//! a low open-file limit, error text that tries to break the event stream's framing, and
//! malformed or duplicated `Host` headers.
//!
//! Time bounds here only guard against hanging; no assertion depends on the machine's speed.

mod common;
mod live;

use common::read;
use live::{
    Events, HANG, Running, get, init_site, port_of, raw_request, start_serve, write_atomic,
};

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn localhost(port: u16) -> String {
    format!("localhost:{port}")
}

#[test]
fn serve_answers_a_building_page_not_a_404_until_the_first_build_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    // errdocs holds a lock on the output's parent directory while it stages an output (so two
    // builds never swap at once). The test holds that lock: the first build waits on it until
    // the test lets go, so requests are certain to arrive while the build is running.
    let lock = std::fs::File::open(&site).unwrap();
    lock.lock().unwrap();
    let mut serve = Running::start(&["serve", "--root", site.to_str().unwrap(), "--port", "0"]);
    let port = port_of(&serve.expect("Serving"));
    let host = localhost(port);

    for target in ["/", "/guide/", "/errdocs.css"] {
        let r = get(port, target, Some(&host));
        assert_eq!(r.status, "HTTP/1.1 503 Service Unavailable", "{target}");
        assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"));
        let body = r.text();
        assert!(body.contains("Building the site"), "{target}: {body}");
        assert!(
            body.contains("/__errdocs/livereload.js"),
            "the building page reloads by itself: {body}"
        );
    }
    let mut events = Events::connect(port);

    // The build goes on; the page's event stream then says to reload.
    drop(lock);
    serve.expect("rebuilt: initial build");
    assert_eq!(events.until("built", |_| true), "1");
    let r = get(port, "/", Some(&host));
    assert_eq!(r.status, "HTTP/1.1 200 OK");
    assert!(r.text().contains("Example API errors"), "{}", r.text());
}

#[test]
fn serve_shows_the_errors_when_the_first_build_fails_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let catalog = site.join("catalog/errors.toml");
    let good = read(&catalog);
    write_atomic(&catalog, &good.replace("status = 429", "status = 4290"));
    let mut serve = Running::start(&["serve", "--root", site.to_str().unwrap(), "--port", "0"]);
    let port = port_of(&serve.expect("Serving"));
    serve.expect("rebuild failed");

    let r = get(port, "/", Some(&localhost(port)));
    assert_eq!(r.status, "HTTP/1.1 503 Service Unavailable");
    let body = r.text();
    assert!(body.contains("is not an HTTP status code"), "{body}");
    assert!(body.contains("/__errdocs/livereload.js"), "{body}");
    let mut events = Events::connect(port);
    let failed = events.until("failed", |_| true);
    let text: String = serde_json::from_str(&failed).unwrap();
    assert!(text.contains("`4290` is not an HTTP status code"), "{text}");

    write_atomic(&catalog, &good);
    serve.expect("rebuilt:");
    assert_eq!(events.until("built", |_| true), "1");
    let r = get(port, "/", Some(&localhost(port)));
    assert_eq!(r.status, "HTTP/1.1 200 OK");
}

/// A catalog whose one error echoes a value of `len` copies of `c` (in the message and in
/// the quoted source line).
/// `good` with `codes` more codes whose category is unknown and 190 characters long, each
/// starting with `round`: a failed build with many long errors (a message quotes at most 200
/// characters of a value, and shows at most 50 errors).
fn catalog_with_long_errors(good: &str, round: usize, codes: usize) -> String {
    let long = format!("{round:05}{}", "l".repeat(185));
    let mut text = good.to_string();
    for i in 0..codes {
        text.push_str(&format!(
            "\n[[code]]\ncode = \"EX-9{i:03}\"\ncategory = \"{long}\"\nmessage = \"m\"\nstatus = 400\n"
        ));
    }
    text
}

#[test]
fn a_live_reload_client_that_stops_reading_blocks_neither_rebuilds_nor_requests() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (mut serve, port) = start_serve(&site, &[]);
    // Subscribes and never reads.
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stalled,
        "GET /__errdocs/events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .unwrap();
    let mut reader = Events::connect(port);
    assert_eq!(reader.until("built", |_| true), "1");
    // The well-behaved client reads all along, on its own thread, as a browser does: a client
    // that stops reading for 10 s is dropped, and a slow (debug, loaded) machine may take
    // longer than that for the rebuilds below. It reads every failure until the next build.
    let reading = std::thread::spawn(move || {
        let mut failures = 0usize;
        let mut largest = 0usize;
        loop {
            let (kind, data) = reader.next();
            match kind.as_str() {
                "failed" => {
                    failures += 1;
                    largest = largest.max(data.len());
                }
                "built" => return (reader, data, failures, largest),
                _ => {}
            }
        }
    });

    // Failed rebuilds, each with tens of kilobytes of errors, until the stalled client's socket
    // buffers are full and the server gives up on it (10 s after its last write went through):
    // every rebuild meanwhile must run and be announced to the reading client.
    let catalog = site.join("catalog/errors.toml");
    let good = read(&catalog);
    let dropped = "dropped a live-reload client";
    let started = Instant::now();
    let mut rounds = 0;
    while !serve.seen.iter().any(|l| l.contains(dropped)) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the stalled client was not dropped after {rounds} failed rebuilds"
        );
        write_atomic(&catalog, &catalog_with_long_errors(&good, rounds, 60));
        serve.expect("rebuild failed");
        rounds += 1;
    }

    // Other requests are answered; a good save is rebuilt and announced.
    let r = get(port, "/guide/", Some(&localhost(port)));
    assert_eq!(r.status, "HTTP/1.1 200 OK");
    write_atomic(&catalog, &good);
    serve.expect("rebuilt: errors.toml");
    let (_reader, built, failures, largest) = reading.join().unwrap();
    assert_eq!(built, "2");
    assert!(failures >= 1, "the reading client saw no failure");
    eprintln!(
        "{rounds} failed rebuilds before the stalled client was dropped; the reading client saw \
         {failures} failure events, the largest {largest} bytes"
    );

    // What was buffered for the stalled client then ends with the connection closed.
    stalled.set_read_timeout(Some(HANG)).unwrap();
    let mut sink = Vec::new();
    match stalled.read_to_end(&mut sink) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the stalled client was never dropped: {e}"),
    }
}

/// Slow clients: each sends the start of a request, then one byte at a time, never finishing;
/// a client the server closed reconnects.
struct Slowloris {
    stop: Arc<AtomicBool>,
    /// Rounds done (each sends a byte on every connection, reconnecting closed ones).
    rounds: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl Slowloris {
    fn start(port: u16, clients: usize) -> Slowloris {
        let stop = Arc::new(AtomicBool::new(false));
        let rounds = Arc::new(AtomicUsize::new(0));
        let (s, r) = (Arc::clone(&stop), Arc::clone(&rounds));
        let thread = std::thread::spawn(move || attack(port, clients, &s, &r));
        Slowloris {
            stop,
            rounds,
            thread: Some(thread),
        }
    }

    /// Waits until the attack has done `n` rounds.
    fn wait_rounds(&self, n: usize) {
        let deadline = Instant::now() + HANG;
        while self.rounds.load(Ordering::SeqCst) < n {
            assert!(Instant::now() < deadline, "the attack is stuck");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops; returns how many connections were made in all.
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().map_or(0, |t| t.join().unwrap())
    }
}

fn attack(port: u16, clients: usize, stop: &AtomicBool, rounds: &AtomicUsize) -> usize {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut conns: Vec<Option<TcpStream>> = (0..clients).map(|_| None).collect();
    let mut made = 0;
    while !stop.load(Ordering::SeqCst) {
        for slot in &mut conns {
            match slot {
                None => {
                    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
                    else {
                        continue;
                    };
                    let head = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nX-Slow: ");
                    if s.write_all(head.as_bytes()).is_ok() {
                        made += 1;
                        *slot = Some(s);
                    }
                }
                Some(s) => {
                    if s.write_all(b"z").is_err() {
                        *slot = None;
                    }
                }
            }
        }
        rounds.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(500));
    }
    made
}

#[test]
fn serve_keeps_answering_under_600_slow_connections_with_ulimit_n_1024() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let mut serve = Running::start_with_nofile(
        1024,
        &["serve", "--root", site.to_str().unwrap(), "--port", "0"],
    );
    let port = port_of(&serve.expect("Serving"));
    serve.expect("rebuilt: initial build");
    let attack = Slowloris::start(port, 600);
    // Every slow client has connected, and those closed to make room are reconnecting.
    attack.wait_rounds(3);

    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut latencies = Vec::new();
    for i in 0..50 {
        // Spread over several rounds of the attack.
        attack.wait_rounds(3 + i / 10);
        let started = Instant::now();
        let mut s = TcpStream::connect_timeout(&addr, HANG)
            .unwrap_or_else(|e| panic!("request {i}: no connection under attack: {e}"));
        s.set_read_timeout(Some(HANG)).unwrap();
        write!(
            s,
            "GET /guide/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut bytes = Vec::new();
        let read = s.read_to_end(&mut bytes);
        let r = live::parse_response(&bytes);
        assert!(
            read.is_ok() && r.status == "HTTP/1.1 200 OK",
            "request {i} under attack: {read:?} {}",
            r.status
        );
        latencies.push(started.elapsed());
    }
    // A rebuild still runs under attack.
    live::append(&site.join("content/guide.md"), "\nUnder attack.\n");
    serve.expect("rebuilt: content/guide.md");
    let r = get(port, "/guide/", Some(&localhost(port)));
    assert!(r.text().contains("Under attack."));
    let rounds = attack.rounds.load(Ordering::SeqCst);
    let made = attack.stop();

    latencies.sort();
    eprintln!(
        "600 slow clients ({made} connections in {rounds} rounds), ulimit -n 1024: 50/50 \
         requests answered 200; latency min {:?}, median {:?}, max {:?}",
        latencies[0], latencies[25], latencies[49]
    );
}

#[test]
fn a_request_trickled_byte_by_byte_is_cut_off_at_the_request_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (_serve, port) = start_serve(&site, &[]);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nX-Slow: ").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // One byte every 200 ms: each read gets data long before any per-read timeout.
    loop {
        assert!(
            started.elapsed() < HANG,
            "a trickled request was never cut off"
        );
        if s.write_all(b"z").is_err() {
            break;
        }
        let mut buf = [0u8; 4096];
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    eprintln!("trickled request cut off after {:?}", started.elapsed());
}

#[test]
fn a_bare_cr_in_an_error_cannot_inject_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (mut serve, port) = start_serve(&site, &[]);
    let mut events = Events::connect(port);
    assert_eq!(events.until("built", |_| true), "1");

    let catalog = site.join("catalog/errors.toml");
    let good = read(&catalog);
    // A TOML string holding carriage returns, echoed by the error message.
    let evil = "nope\\revent: built\\rdata: 99\\r";
    write_atomic(
        &catalog,
        &good.replacen("category = \"auth\"", &format!("category = \"{evil}\""), 1),
    );
    serve.expect("rebuild failed");
    let (kind, data) = events.next();
    assert_eq!(kind, "failed", "data: {data:?}");
    let text: String = serde_json::from_str(&data).unwrap();
    assert!(
        text.contains("unknown category `nope\revent: built\rdata: 99\r`"),
        "{text:?}"
    );
    write_atomic(&catalog, &good);
    serve.expect("rebuilt: errors.toml");
    assert_eq!(events.next(), ("built".to_string(), "2".to_string()));
}

#[test]
fn host_is_parsed_strictly_and_duplicates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (_serve, port) = start_serve(&site, &[]);
    let request = |headers: &str| {
        raw_request(
            port,
            &format!("GET / HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
        )
        .status
    };
    let ok = "HTTP/1.1 200 OK";
    let bad = "HTTP/1.1 400 Bad Request";
    let forbidden = "HTTP/1.1 403 Forbidden";
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(request(&format!("Host: {host}\r\n")), ok, "{host}");
    }
    for host in [
        "[localhost].evil.example".to_string(),
        format!("[localhost].evil.example:{port}"),
        "localhost:evil".to_string(),
        format!("localhost:{port}:1"),
        "localhost:99999".to_string(),
        "localhost:".to_string(),
        format!("localhost:{port}, evil.example"),
        format!("localhost@evil.example:{port}"),
        "[::1".to_string(),
        "[::1]x".to_string(),
        String::new(),
    ] {
        assert_eq!(request(&format!("Host: {host}\r\n")), bad, "{host:?}");
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("[::2]:{port}"),
    ] {
        assert_eq!(request(&format!("Host: {host}\r\n")), forbidden, "{host}");
    }
    let mine = format!("Host: localhost:{port}\r\n");
    let evil = "Host: evil.example\r\n";
    for headers in [
        format!("{mine}{evil}"),
        format!("{evil}{mine}"),
        format!("{mine}{mine}"),
        format!("{mine}host: localhost:{port}\r\n"),
        // No Host, a name with white space, a folded line, a bare CR.
        String::new(),
        format!("Host : localhost:{port}\r\n"),
        format!("{evil} localhost:{port}\r\n"),
        format!("Host: localhost:{port}\rX: y\r\n"),
    ] {
        assert_eq!(request(&headers), bad, "{headers:?}");
    }
}
