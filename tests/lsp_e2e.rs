//! The language server end to end: the real binary started as `lambda-vpc-lint server`, spoken
//! to over stdio as an editor does (Content-Length framed JSON-RPC, written here), on temporary
//! copies of `testdata/lsp/`. Every read has a timeout, so a server that hangs fails the test
//! instead of blocking it; the timeouts are generous and nothing asserts on time.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long to wait for any one answer before failing.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one.
    held: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(workspace: &Path, encodings: &[&str]) -> Client {
        Client::start_with(workspace, encodings, &[])
    }

    /// The server with more arguments after `server`.
    fn start_with(workspace: &Path, encodings: &[&str], args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lambda-vpc-lint"))
            .arg("server")
            .args(args)
            .current_dir(workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut reader) {
                let value: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                assert_eq!(value["jsonrpc"], "2.0", "{value}");
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            held: Vec::new(),
            next_id: 0,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {"general": {"positionEncodings": encodings}},
                "workspaceFolders": [{"uri": uri(workspace), "name": "ws"}],
            }),
        );
        let caps = &result["result"]["capabilities"];
        assert_eq!(caps["hoverProvider"], true, "{result}");
        assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {result}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, value: &Value) {
        let body = serde_json::to_vec(value).unwrap();
        self.send_raw(&body);
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(&format!("the answer to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// The first message (held or new) that `pred` accepts; the others are held.
    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.held.iter().position(&pred) {
            return self.held.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.held.push(m),
                Err(_) => panic!("no {what} from the server; held: {:#?}", self.held),
            }
        }
    }

    /// The next diagnostics published for `file` that `pred` accepts (earlier ones are dropped:
    /// a lint publishes each file's whole list).
    fn diagnostics(
        &mut self,
        file: &Path,
        what: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let u = uri(file);
        loop {
            let m = self.wait(
                &format!("diagnostics for {} ({what})", file.display()),
                |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u,
            );
            let list = m["params"]["diagnostics"].as_array().cloned().unwrap();
            if pred(&list) {
                return list;
            }
        }
    }

    fn open(&mut self, file: &Path, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(file), "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, file: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(file), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// The code actions for `range` of `file`.
    fn code_actions(&mut self, file: &Path, range: &Value) -> Vec<Value> {
        let answer = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(file)}, "range": range,
                   "context": {"diagnostics": []}}),
        );
        answer["result"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer}"))
            .clone()
    }

    /// `shutdown`, `exit`, and the exit code.
    fn stop(mut self) -> i32 {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        assert!(answer.get("error").is_none(), "{answer}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave a server behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(body)
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

/// A temporary workspace holding a copy of `testdata/lsp/<fixture>` (resolved: the server
/// reports paths under the folder as the client names it, and the test compares URIs).
fn workspace(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().canonicalize().unwrap().join("ws");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/lsp")
            .join(fixture),
        &ws,
    );
    (dir, ws)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn with_code<'a>(list: &'a [Value], code: &str) -> &'a Value {
    list.iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {list:#?}"))
}

/// The 0-based line and UTF-16 column of the first `needle` in `text` (ASCII fixtures).
fn position_of(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the fixture"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, column as u64)
}

fn range_of(text: &str, needle: &str) -> Value {
    let (line, col) = position_of(text, needle);
    json!({"start": {"line": line, "character": col},
           "end": {"line": line, "character": col + needle.len() as u64}})
}

/// Applies LSP text edits (single-line ranges of ASCII text, in any order) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + p["character"].as_u64().unwrap() as usize
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn terraform_diagnostics_follow_the_unsaved_document() {
    let (_tmp, ws) = workspace("terraform");
    let main = ws.join("app/main.tf");
    let network = ws.join("app/network.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let mut client = Client::start(&ws, &[]);
    client.open(&main, "terraform", &text);

    // LVL001 on the subnet reference, with the proof in network.tf.
    let list = client.diagnostics(&main, "LVL001", |l| codes(l).contains(&"LVL001"));
    let d = with_code(&list, "LVL001");
    assert_eq!(d["range"], range_of(&text, "aws_subnet.public.id"), "{d:#}");
    assert_eq!(d["severity"], 2, "a warning: the function calls no service");
    assert_eq!(d["source"], "lambda-vpc-lint");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{d:#}"
    );
    let related = d["relatedInformation"].as_array().unwrap();
    let network_text = std::fs::read_to_string(&network).unwrap();
    let route = related
        .iter()
        .find(|r| {
            r["message"]
                .as_str()
                .unwrap()
                .contains("sends 0.0.0.0/0 to internet gateway")
        })
        .unwrap_or_else(|| panic!("no route step in {related:#?}"));
    assert_eq!(route["location"]["uri"], uri(&network));
    let (line, _) = position_of(&network_text, "route {");
    assert_eq!(
        route["location"]["range"]["start"]["line"], line,
        "{route:#}"
    );
    // The other file of the unit is published too (its own diagnostics: none).
    let other = client.diagnostics(&network, "the unit's other file", |_| true);
    assert!(other.is_empty(), "{other:#?}");

    // Code actions on the finding: a suppression with a reason on the line above.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&main)}, "range": d["range"],
               "context": {"diagnostics": [d]}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress LVL001"))
        .unwrap_or_else(|| panic!("no suppression in {actions:#?}"));
    assert_eq!(suppress["kind"], "quickfix");
    let edits = suppress["edit"]["changes"][uri(&main)]
        .as_array()
        .unwrap()
        .clone();
    let suppressed = apply(&text, &edits);
    assert!(
        suppressed.contains("    # lambda-vpc-lint:ignore LVL001 TODO: say why this finding does not apply\n    subnet_ids"),
        "{suppressed}"
    );

    // Hover on the VPC configuration: the resolved network and what was not verified.
    let (line, col) = position_of(&text, "vpc_config");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&main)}, "position": {"line": line, "character": col + 2}}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{hover}"));
    for needle in [
        "`aws_lambda_function.app`",
        "`aws_subnet.public` (eu-west-1a): route table `aws_route_table.public` → internet gateway `aws_internet_gateway.gw`",
        "**Role**",
        "`aws_iam_role.fn`",
        "ENI permissions",
        "all granted",
        "**Not verified**",
    ] {
        assert!(value.contains(needle), "`{needle}` not in the hover:\n{value}");
    }

    // The private subnet, in the editor only: LVL001 is cleared.
    let private = text.replace("aws_subnet.public.id", "aws_subnet.private.id");
    client.change(&main, 2, &private);
    let list = client.diagnostics(&main, "LVL001 cleared", |l| !codes(l).contains(&"LVL001"));
    assert!(
        codes(&list).contains(&"LVL006"),
        "the rest is still reported: {list:#?}"
    );
    assert!(std::fs::read_to_string(&main)
        .unwrap()
        .contains("aws_subnet.public.id"));

    // The suppression the code action wrote applies.
    client.change(&main, 3, &suppressed);
    let list = client.diagnostics(&main, "suppressed", |l| codes(l).contains(&"LVL006"));
    assert!(!codes(&list).contains(&"LVL001"), "{list:#?}");
    assert!(!codes(&list).contains(&"LVL904"), "{list:#?}");

    assert_eq!(client.stop(), 0);
}

#[test]
fn cloudformation_unsaved_edit_fix_and_hover_in_utf8() {
    let (_tmp, ws) = workspace("cloudformation");
    let template = ws.join("stack/template.yaml");
    let on_disk = std::fs::read_to_string(&template).unwrap();
    // Offered: UTF-8 positions (ASCII fixture: the same numbers, but the negotiation is seen).
    let mut client = Client::start(&ws, &["utf-8", "utf-16"]);
    let i = on_disk.rfind("- !Ref PrivateSubnet").unwrap();
    let edited = format!(
        "{}- !Ref PublicSubnet{}",
        &on_disk[..i],
        &on_disk[i + "- !Ref PrivateSubnet".len()..]
    );
    client.open(&template, "yaml", &edited);
    let list = client.diagnostics(&template, "LVL001 and LVL018", |l| {
        codes(l).contains(&"LVL001") && codes(l).contains(&"LVL018")
    });
    let lvl001 = with_code(&list, "LVL001");
    let i = edited.rfind("!Ref PublicSubnet").unwrap();
    let (line, col) = position_of(&edited[i..], "!Ref PublicSubnet");
    let line = line + edited[..i].matches('\n').count() as u64;
    let col = col + (i - edited[..i].rfind('\n').unwrap() - 1) as u64;
    assert_eq!(
        lvl001["range"]["start"],
        json!({"line": line, "character": col}),
        "{lvl001:#}"
    );
    let related = lvl001["relatedInformation"].as_array().unwrap();
    assert!(related
        .iter()
        .all(|r| r["location"]["uri"] == uri(&template)));
    assert!(related.len() >= 3, "{related:#?}");

    // LVL018's fix is an edit of `EnableDnsHostnames: false`.
    let lvl018 = with_code(&list, "LVL018").clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&template)}, "range": lvl018["range"],
               "context": {"diagnostics": [lvl018]}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix LVL018"))
        .unwrap_or_else(|| panic!("no fix in {actions:#?}"));
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][uri(&template)]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edits.len(), 1);
    let (line, col) = position_of(&edited, "false");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": line, "character": col})
    );
    assert_eq!(edits[0]["newText"], "true");
    assert!(actions
        .iter()
        .any(|a| a["title"].as_str().unwrap().starts_with("Suppress LVL018")));

    // Hover on the function's VpcConfig.
    let (line, col) = position_of(&edited, "VpcConfig");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&template)}, "position": {"line": line, "character": col + 1}}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{hover}"));
    assert!(
        value.contains(
            "`PublicSubnet` (eu-west-1a): route table `PublicRouteTable` → internet gateway `Igw`"
        ),
        "{value}"
    );
    assert!(value.contains("`FunctionRole`"), "{value}");

    // The fix applied and the subnet back: only what the disk version has besides LVL018.
    let fixed = apply(&on_disk, &edits);
    client.change(&template, 2, &fixed);
    let list = client.diagnostics(&template, "LVL001 and LVL018 cleared", |l| {
        !codes(l).contains(&"LVL001") && !codes(l).contains(&"LVL018")
    });
    assert!(codes(&list).contains(&"LVL006"), "{list:#?}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn bad_messages_get_protocol_errors_and_the_session_goes_on() {
    let (tmp, ws) = workspace("terraform");
    let mut client = Client::start(&ws, &[]);

    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, ");
    let e = client.wait("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);

    client.send(&json!({"jsonrpc": "2.0", "id": 77, "method": 5}));
    let e = client.wait("an invalid request", |m| m["id"] == 77);
    assert_eq!(e["error"]["code"], -32600, "{e}");

    let e = client.request("textDocument/definition", json!({}));
    assert_eq!(e["error"]["code"], -32601, "{e}");
    let e = client.request("lambdaVpcLint/unknown", json!({"x": 1}));
    assert_eq!(e["error"]["code"], -32601, "{e}");
    let e = client.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(e["error"]["code"], -32602, "{e}");
    client.notify("textDocument/didOpen", json!({"textDocument": null}));
    client.notify("lambdaVpcLint/unknownNotification", json!({}));

    // A document outside the workspace folder: not linted, and requests about it are refused.
    let outside = tmp.path().canonicalize().unwrap().join("outside.tf");
    let text = std::fs::read_to_string(ws.join("app/main.tf")).unwrap();
    std::fs::write(&outside, &text).unwrap();
    client.open(&outside, "terraform", &text);
    let log = client.wait("a log message", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .unwrap()
                .contains("outside the workspace")
    });
    assert_eq!(log["params"]["type"], 2, "a warning: {log}");
    let e = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&outside)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(e["error"]["code"], -32602, "{e}");
    let e = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&outside)},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(e["error"]["code"], -32602, "{e}");

    // Still serving: a document inside is linted.
    let main = ws.join("app/main.tf");
    client.open(&main, "terraform", &text);
    client.diagnostics(&main, "LVL001", |l| codes(l).contains(&"LVL001"));
    assert!(
        !client
            .held
            .iter()
            .any(|m| m["params"]["uri"] == uri(&outside)),
        "nothing published outside the workspace: {:#?}",
        client.held
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (_tmp, ws) = workspace("terraform");
    let mut client = Client::start(&ws, &[]);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(s) = client.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "no exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

const IGNORE: &str = "# lambda-vpc-lint:ignore";
const PLACEHOLDER: &str = "TODO: say why this finding does not apply";

/// The suppression action of `code` among `actions`: its title and its edits of `file`.
fn suppression(actions: &[Value], code: &str, file: &Path) -> (String, Vec<Value>) {
    let a = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Suppress {code} "))
        })
        .unwrap_or_else(|| panic!("no suppression of {code} in {actions:#?}"));
    let changes = a["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "{a:#}");
    (
        a["title"].as_str().unwrap().to_string(),
        changes[&uri(file)].as_array().unwrap().clone(),
    )
}

/// An insertion at the start of the line `line` (0-based).
fn insertion(line: u64, character: u64, text: &str) -> Value {
    json!([{"range": {"start": {"line": line, "character": character},
                      "end": {"line": line, "character": character}},
            "newText": text}])
}

#[test]
fn suppression_goes_where_it_applies_and_changes_no_value() {
    let (_tmp, ws) = workspace("suppress");
    let mut client = Client::start(&ws, &[]);

    // Terraform: LVL103 is reported at a heredoc policy (`<<EOT`): the comment goes above the
    // attribute, never into the policy text.
    let main = ws.join("terraform/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    client.open(&main, "terraform", &text);
    let list = client.diagnostics(&main, "LVL103", |l| codes(l).contains(&"LVL103"));
    let (line, col) = position_of(&text, "<<EOT");
    assert_eq!(
        with_code(&list, "LVL103")["range"]["start"],
        json!({"line": line, "character": col})
    );
    let actions = client.code_actions(&main, &range_of(&text, "<<EOT"));
    let (title, edits) = suppression(&actions, "LVL103", &main);
    assert_eq!(title, "Suppress LVL103 here (with a reason)");
    assert_eq!(
        Value::from(edits.clone()),
        insertion(line, 0, &format!("  {IGNORE} LVL103 {PLACEHOLDER}\n"))
    );
    let edited = apply(&text, &edits);
    assert!(edited.contains(&format!("{PLACEHOLDER}\n  policy = <<EOT\n{{\n")));
    client.change(&main, 2, &edited);
    let list = client.diagnostics(&main, "LVL103 suppressed", |l| {
        codes(l).contains(&"LVL104") && !codes(l).contains(&"LVL103")
    });
    assert!(!codes(&list).contains(&"LVL904"), "{list:#?}");
    assert!(!codes(&list).contains(&"LVL905"), "{list:#?}");

    // YAML: LVL103 is reported inside a block scalar (`PolicyDocument: |`), where a comment
    // would be policy text: it goes above the enclosing `Properties:`.
    let template = ws.join("cloudformation/template.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    client.open(&template, "yaml", &text);
    let list = client.diagnostics(&template, "LVL103", |l| codes(l).contains(&"LVL103"));
    let d = with_code(&list, "LVL103").clone();
    let (line, _) = position_of(&text, "          \"Version\"");
    assert_eq!(
        d["range"]["start"]["line"],
        line - 1,
        "inside the scalar: {d:#}"
    );
    let actions = client.code_actions(&template, &d["range"]);
    let (title, edits) = suppression(&actions, "LVL103", &template);
    assert_eq!(
        title,
        "Suppress LVL103 in the enclosing `Properties:` (with a reason)"
    );
    let (line, _) = position_of(&text, "    Properties:\n      PolicyName: deny-eni");
    assert_eq!(
        Value::from(edits.clone()),
        insertion(line, 0, &format!("    {IGNORE} LVL103 {PLACEHOLDER}\n"))
    );
    client.change(&template, 2, &apply(&text, &edits));
    let list = client.diagnostics(&template, "LVL103 suppressed", |l| {
        codes(l).contains(&"LVL104") && !codes(l).contains(&"LVL103")
    });
    assert!(!codes(&list).contains(&"LVL904"), "{list:#?}");

    // A JSON template has no comments: the resource's `Metadata`.
    let json_template = ws.join("cloudformation/template.json");
    let text = std::fs::read_to_string(&json_template).unwrap();
    client.open(&json_template, "json", &text);
    let list = client.diagnostics(&json_template, "LVL103", |l| codes(l).contains(&"LVL103"));
    let d = with_code(&list, "LVL103").clone();
    let actions = client.code_actions(&json_template, &d["range"]);
    let (_, edits) = suppression(&actions, "LVL103", &json_template);
    let (line, col) = position_of(&text, "\"DenyEni\": {");
    assert_eq!(
        Value::from(edits.clone()),
        insertion(
            line,
            col + "\"DenyEni\": {".len() as u64,
            &format!(
                "\n      \"Metadata\": {{\"lambda-vpc-lint\":{{\"ignore\":[{{\"id\":\"LVL103\",\"reason\":\"{PLACEHOLDER}\"}}]}}}},"
            )
        )
    );
    client.change(&json_template, 2, &apply(&text, &edits));
    let list = client.diagnostics(&json_template, "LVL103 suppressed", |l| {
        codes(l).contains(&"LVL104") && !codes(l).contains(&"LVL103")
    });
    assert!(!codes(&list).contains(&"LVL904"), "{list:#?}");

    // `.tf.json`: the suppression parser reads no suppression there, so none is offered (the
    // findings are still there to see).
    let tf_json = ws.join("tfjson/main.tf.json");
    let text = std::fs::read_to_string(&tf_json).unwrap();
    client.open(&tf_json, "json", &text);
    let list = client.diagnostics(&tf_json, "LVL006", |l| codes(l).contains(&"LVL006"));
    for d in &list {
        let actions = client.code_actions(&tf_json, &d["range"]);
        assert!(
            !actions
                .iter()
                .any(|a| a["title"].as_str().unwrap().starts_with("Suppress")),
            "{actions:#?}"
        );
    }
    assert_eq!(client.stop(), 0);
}

#[test]
fn custom_rules_from_the_rules_option_are_linted_in_the_editor() {
    let (_tmp, ws) = workspace("terraform");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lsp/rules/policies");
    let main = ws.join("app/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();

    // Without `--rules`, the custom rule is not known.
    let mut client = Client::start(&ws, &[]);
    client.open(&main, "terraform", &text);
    let list = client.diagnostics(&main, "LVL001", |l| codes(l).contains(&"LVL001"));
    assert!(!codes(&list).contains(&"EDIT001"), "{list:#?}");
    assert_eq!(client.stop(), 0);

    let mut client = Client::start_with(&ws, &[], &["--rules", rules.to_str().unwrap()]);
    client.open(&main, "terraform", &text);
    let list = client.diagnostics(&main, "EDIT001", |l| codes(l).contains(&"EDIT001"));
    let d = with_code(&list, "EDIT001");
    assert_eq!(
        d["range"],
        range_of(&text, "[aws_subnet.public.id]"),
        "{d:#}"
    );
    assert_eq!(d["severity"], 1, "an error, as the rule says: {d:#}");
    assert_eq!(
        d["message"],
        "function `aws_lambda_function.app` lists 1 subnet(s); the platform asks for two"
    );
    // Two subnets, in the editor only: the custom finding is cleared, the built-in ones stay.
    let two = text.replace(
        "[aws_subnet.public.id]",
        "[aws_subnet.public.id, aws_subnet.private.id]",
    );
    client.change(&main, 2, &two);
    let list = client.diagnostics(&main, "EDIT001 cleared", |l| {
        !codes(l).contains(&"EDIT001") && codes(l).contains(&"LVL001")
    });
    assert!(codes(&list).contains(&"LVL001"), "{list:#?}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_change_in_a_linked_file_relints_the_units_that_include_it() {
    let (_tmp, ws) = workspace("linked");
    let mut client = Client::start(&ws, &[]);

    // Only the child module is open: the root that calls it (`live/`, never opened) is linted
    // too, and its findings in the module (LVL006, from the root's subnet) are published.
    let module = ws.join("terraform/modules/fn/main.tf");
    let root = ws.join("terraform/live/main.tf");
    let text = std::fs::read_to_string(&module).unwrap();
    client.open(&module, "terraform", &text);
    let list = client.diagnostics(&module, "LVL006 from the caller", |l| {
        codes(l).contains(&"LVL006")
    });
    assert_eq!(
        with_code(&list, "LVL006")["range"],
        range_of(&text, "var.subnet_ids")
    );
    let list = client.diagnostics(&root, "the caller's own file", |l| {
        codes(l).contains(&"LVL001")
    });
    let root_text = std::fs::read_to_string(&root).unwrap();
    assert_eq!(
        with_code(&list, "LVL001")["range"],
        range_of(&root_text, "aws_subnet.public.id")
    );

    // The module without its VPC configuration, in the editor only: the caller is linted
    // again with it, and its findings are cleared.
    let i = text.find("\n  vpc_config {").unwrap();
    let j = text[i..].find("\n  }\n").unwrap() + i + "\n  }".len();
    let edited = format!("{}{}", &text[..i], &text[j..]);
    client.change(&module, 2, &edited);
    let list = client.diagnostics(&root, "LVL001 cleared in the caller", |l| {
        !codes(l).contains(&"LVL001")
    });
    assert!(list.is_empty(), "{list:#?}");
    client.diagnostics(&module, "LVL006 cleared", |l| !codes(l).contains(&"LVL006"));

    // A nested template in another directory: its parent (`parent/root.yaml`, not open) nests
    // it with the public subnet, so LVL001 is published in it, with the proof in the parent.
    let nested = ws.join("cloudformation/nested/function.yaml");
    let parent = ws.join("cloudformation/parent/root.yaml");
    let text = std::fs::read_to_string(&nested).unwrap();
    client.open(&nested, "yaml", &text);
    let list = client.diagnostics(&nested, "LVL001 from the parent", |l| {
        codes(l).contains(&"LVL001")
    });
    let d = with_code(&list, "LVL001");
    let (line, col) = position_of(&text, "!Ref SubnetId");
    assert_eq!(
        d["range"]["start"],
        json!({"line": line, "character": col}),
        "{d:#}"
    );
    assert!(
        d["relatedInformation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["location"]["uri"] == uri(&parent)),
        "{d:#}"
    );
    let list = client.diagnostics(&parent, "the parent's own file", |l| {
        codes(l).contains(&"LVL018")
    });
    assert!(!codes(&list).contains(&"LVL001"), "{list:#?}");

    // The nested template without its VpcConfig, unsaved: LVL001 is cleared.
    let i = text.find("      VpcConfig:").unwrap();
    client.change(&nested, 2, &text[..i]);
    client.diagnostics(&nested, "LVL001 cleared", |l| !codes(l).contains(&"LVL001"));

    // `Fn::ImportValue` of a name a template of another directory exports: linted with it.
    let app = ws.join("cloudformation/app/function.yaml");
    let network = ws.join("cloudformation/network/network.yaml");
    let text = std::fs::read_to_string(&app).unwrap();
    client.open(&app, "yaml", &text);
    let list = client.diagnostics(&app, "LVL001 through the import", |l| {
        codes(l).contains(&"LVL001")
    });
    let (line, col) = position_of(&text, "!ImportValue net-public-subnet");
    assert_eq!(
        with_code(&list, "LVL001")["range"]["start"],
        json!({"line": line, "character": col})
    );
    // The exporter changed (unsaved) to export the private subnet: the importer, which did not
    // change, is linted again and LVL001 is cleared there.
    let net_text = std::fs::read_to_string(&network).unwrap();
    client.open(&network, "yaml", &net_text);
    let private = net_text.replace(
        "    Value: !Ref PublicSubnet",
        "    Value: !Ref PrivateSubnet",
    );
    assert_ne!(private, net_text);
    client.change(&network, 2, &private);
    let list = client.diagnostics(&app, "LVL001 cleared by the exporter's change", |l| {
        !codes(l).contains(&"LVL001")
    });
    assert!(codes(&list).contains(&"LVL104"), "{list:#?}");
    assert_eq!(client.stop(), 0);
}
