//! Every line the command writes to stderr. Messages quote the input (a config file's keys and
//! values, rule files, paths), and stderr lands in terminals and CI logs like the report does:
//! a raw newline could start a line that GitHub Actions reads as a workflow command
//! (`::error file=…`), an ESC could drive the terminal. So every message goes through the same
//! escaping as the report formats ([`report::escape_line`]): one message, one line.

use std::fmt::Display;

use crate::report;

/// `error: <message>`, escaped to one line.
pub fn error(message: impl Display) {
    eprintln!("error: {}", report::escape_line(&message.to_string()));
}

/// A progress line (`wrote …`), escaped to one line.
pub fn note(message: impl Display) {
    eprintln!("{}", report::escape_line(&message.to_string()));
}

/// A usage error as clap renders it (several lines of its own), with every argument it quotes
/// escaped to one line: a value holding a newline must not start a line of its own.
pub fn usage(rendered: &str) -> String {
    let mut text = rendered.to_string();
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy();
        let escaped = report::escape_line(&arg);
        if escaped != arg && !arg.is_empty() {
            text = text.replace(arg.as_ref(), &escaped);
        }
    }
    report::escape_block(&text).into_owned()
}
