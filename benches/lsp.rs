//! Latency of the language server for a change in a 100-file workspace (bench/synth: 25
//! Terraform modules of two files, 50 templates in one directory): the real binary as `server`,
//! spoken to over stdio; the time from sending `didChange` to receiving the diagnostics of the
//! changed document, p50 and p95, for a Terraform file and for a template. The time includes the
//! server's debounce (`server::DEBOUNCE`, 200 ms), which is also shown subtracted.
//!
//! `cargo bench --bench lsp` (`LVL_LSP_BENCH_CHANGES=N`: changes per document, default 30).
//! Build the binary first in the same profile (`cargo build --release`): the bench runs
//! `target/release/lambda-vpc-lint` when it exists, else the binary Cargo built for it.

#[path = "../bench/synth/mod.rs"]
#[allow(dead_code)]
mod synth;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips the run.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args
        .iter()
        .any(|a| !a.starts_with('-') && !"lsp".contains(a.as_str()))
    {
        return;
    }
    let changes: usize = std::env::var("LVL_LSP_BENCH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().canonicalize().unwrap();
    let (set, expected) = synth::generate(&synth::Config::for_files(100, 1, 0.2));
    synth::write(&ws, &set, &expected).expect("write the set");
    let tf = set.iter().find(|f| f.path.ends_with("app.tf")).unwrap();
    let template = set.iter().find(|f| f.path.ends_with(".yaml")).unwrap();

    let mut server = Server::start(&ws);
    for (what, file) in [("terraform", tf), ("template", template)] {
        let path = ws.join(&file.path);
        let mut latencies = server.measure(&path, &file.text, changes);
        latencies.sort();
        let p = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        let debounce = Duration::from_millis(200);
        println!(
            "lsp change → diagnostics, {what} ({} changes, 100-file workspace): p50 {:.1} ms, p95 {:.1} ms (after the 200 ms debounce: p50 {:.1} ms, p95 {:.1} ms)",
            latencies.len(),
            ms(p(0.5)),
            ms(p(0.95)),
            ms(p(0.5).saturating_sub(debounce)),
            ms(p(0.95).saturating_sub(debounce)),
        );
    }
    server.stop();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    incoming: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(ws: &Path) -> Server {
        let release = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/lambda-vpc-lint");
        let exe = if release.exists() {
            release
        } else {
            env!("CARGO_BIN_EXE_lambda-vpc-lint").into()
        };
        let mut child = Command::new(exe)
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        length = v.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap_or(0)];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            incoming,
            next_id: 0,
        };
        s.request(
            "initialize",
            json!({"processId": null, "capabilities": {},
                   "workspaceFolders": [{"uri": uri(ws), "name": "bench"}]}),
        );
        s.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        s
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .incoming
                .recv_timeout(Duration::from_secs(120))
                .expect("the server answers");
            if pred(&m) {
                return m;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id)
    }

    /// Opens the document, then changes it `n` times (alternately adding and removing a
    /// comment line), each time waiting for its diagnostics.
    fn measure(&mut self, path: &Path, text: &str, n: usize) -> Vec<Duration> {
        let u = uri(path);
        let published =
            |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u;
        self.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": u, "languageId": "", "version": 0, "text": text}}}));
        self.wait(published);
        let mut out = Vec::with_capacity(n);
        for version in 1..=n as i32 {
            let changed = if version % 2 == 1 {
                format!("# edit {version}\n{text}")
            } else {
                text.to_string()
            };
            let start = Instant::now();
            self.send(
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": u, "version": version},
                           "contentChanges": [{"text": changed}]}}),
            );
            // The diagnostics of this version (the server sends the document's version).
            self.wait(|m| published(m) && m["params"]["version"] == version);
            out.push(start.elapsed());
        }
        out
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
