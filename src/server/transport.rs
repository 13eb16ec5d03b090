//! The wire: JSON-RPC messages framed by `Content-Length` headers over stdin/stdout, one thread
//! each way. Written here rather than taken from `lsp_server::Connection::stdio` because that
//! reader stops at the first body that is not JSON; an editor (or a fuzzer) sending one bad
//! message must get a parse error (-32700) and the session must go on. Messages themselves are
//! `lsp_server`'s types.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// The largest message body accepted: a document is at most `--max-file-size` (64 MiB by
/// default), and JSON escaping can double it.
pub const MAX_BODY: usize = 160 << 20;

/// What the reader hands the main loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is no message, with the error response it gets.
    Invalid(Value),
}

/// Starts the reader (stdin → `incoming`) and the writer (`outgoing` → stdout) threads. Returns
/// the writer's handle: joining it after the main loop drops its sender flushes everything. The
/// reader is left blocked on stdin; the process exits without waiting for it.
pub fn stdio(
    incoming: mpsc::Sender<Incoming>,
    outgoing: mpsc::Receiver<Value>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            read_loop(&mut input, &incoming);
        })
        .expect("reader thread");
    std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for value in outgoing {
                if write_frame(&mut out, &value).is_err() {
                    // The editor is gone; nothing left to tell it.
                    break;
                }
            }
        })
        .expect("writer thread")
}

/// Reads frames until end of input, sending each message, or the error response a frame that
/// is not a message gets, to `incoming`.
pub fn read_loop(input: &mut impl BufRead, incoming: &mpsc::Sender<Incoming>) {
    loop {
        let send = match read_frame(input) {
            Ok(Some(body)) => match parse(&body) {
                Ok(message) => incoming.send(Incoming::Message(message)),
                Err(response) => incoming.send(Incoming::Invalid(response)),
            },
            Ok(None) | Err(Frame::Io) => break,
            Err(Frame::Bad(message)) => incoming.send(Incoming::Invalid(error_response(
                Value::Null,
                ErrorCode::ParseError,
                &message,
            ))),
        };
        if send.is_err() {
            break;
        }
    }
}

/// A body as a message, or the error response it gets.
fn parse(body: &[u8]) -> Result<Message, Value> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        error_response(
            Value::Null,
            ErrorCode::ParseError,
            &format!("not JSON: {e}"),
        )
    })?;
    // The id to answer with, when the request has one JSON-RPC allows.
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    if !value.is_object() {
        return Err(error_response(
            id,
            ErrorCode::InvalidRequest,
            "a JSON-RPC message is an object",
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        error_response(
            id,
            ErrorCode::InvalidRequest,
            &format!("not a JSON-RPC request, response or notification: {e}"),
        )
    })
}

pub fn error_response(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({"id": id, "error": {"code": code as i32, "message": message}})
}

enum Frame {
    /// The headers or the body are wrong; the next frame may be fine.
    Bad(String),
    /// The input itself failed (closed mid-frame).
    Io,
}

/// One frame's body; `None` at the end of input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        // Header lines are short; a "header" longer than this is garbage, read and dropped.
        let n = input
            .by_ref()
            .take(8192)
            .read_line(&mut line)
            .map_err(|_| Frame::Io)?;
        if n == 0 {
            return if first { Ok(None) } else { Err(Frame::Io) };
        }
        first = false;
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let length = match length {
        Some(Ok(n)) => n,
        Some(Err(e)) => return Err(Frame::Bad(e)),
        None => return Err(Frame::Bad("a message without Content-Length".into())),
    };
    if length > MAX_BODY {
        // Skipped, not buffered: the stream stays in step.
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())
            .map_err(|_| Frame::Io)?;
        return Err(Frame::Bad(format!(
            "a message of {length} bytes, over the {MAX_BODY}-byte limit"
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| Frame::Io)?;
    Ok(Some(body))
}

/// Writes one message with its header; `jsonrpc` is added here.
pub fn write_frame(out: &mut impl Write, value: &Value) -> io::Result<()> {
    let mut value = value.clone();
    if let Value::Object(map) = &mut value {
        map.insert("jsonrpc".into(), Value::String("2.0".into()));
    }
    let body = serde_json::to_vec(&value)?;
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(&body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> (Vec<Message>, Vec<Value>) {
        let (tx, rx) = mpsc::channel();
        read_loop(&mut io::BufReader::new(input), &tx);
        drop(tx);
        let (mut messages, mut errors) = (Vec::new(), Vec::new());
        for i in rx {
            match i {
                Incoming::Message(m) => messages.push(m),
                Incoming::Invalid(e) => errors.push(e),
            }
        }
        (messages, errors)
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_get_errors_and_the_stream_goes_on() {
        let input = [
            frame("{not json"),
            frame("[1,2]"),
            frame(r#"{"id": 7, "method": 3}"#),
            "X-Other: 1\r\n\r\n".to_string(),
            "Content-Length: abc\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        let (incoming, errors) = frames(input.as_bytes());
        assert!(matches!(
            &incoming[..],
            [Message::Notification(n)] if n.method == "exit"
        ));
        let codes: Vec<(Value, i64)> = errors
            .iter()
            .map(|e| (e["id"].clone(), e["error"]["code"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            codes,
            [
                (Value::Null, -32700),
                (Value::Null, -32600),
                (json!(7), -32600),
                (Value::Null, -32700),
                (Value::Null, -32700),
            ]
        );
    }

    #[test]
    fn a_frame_cut_short_ends_the_stream_without_a_message() {
        let (incoming, errors) = frames(b"Content-Length: 100\r\n\r\n{\"id\":1");
        assert!(incoming.is_empty() && errors.is_empty());
    }

    #[test]
    fn written_frames_carry_jsonrpc_and_their_length() {
        let mut out = Vec::new();
        write_frame(&mut out, &json!({"id": 1, "result": null})).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        assert_eq!(
            serde_json::from_str::<Value>(body).unwrap()["jsonrpc"],
            "2.0"
        );
    }
}
