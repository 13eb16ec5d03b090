//! `lambda-vpc-lint server`: a Language Server Protocol server over stdio.
//!
//! One thread owns the state and answers messages in order (`run`); two threads move frames
//! (`transport`). A document's change re-lints only its unit (`units`: its directory, with the
//! modules it calls) after a pause in typing (`DEBOUNCE`), using the unsaved contents of every
//! open document (the engine's overlay), and publishes diagnostics for every file the lint read
//! inside the workspace, an empty list where nothing is left. Requests wait for a pending lint
//! of their document, so hover and code actions see what the editor shows.
//!
//! Nothing the client sends may stop the server: frames that are not messages get parse or
//! invalid-request errors, unknown methods `MethodNotFound`, documents outside the workspace
//! folders `InvalidParams`, and every handler runs under the panic guard (a panic is an
//! `InternalError` answer and a log message).

mod actions;
mod config;
mod diagnostics;
mod documents;
mod hover;
mod links;
mod position;
mod suppression;
mod transport;
mod units;
mod uri;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde_json::Value;

pub use config::Config;
use config::Workspace;
use documents::Documents;
use position::Encoding;
use transport::Incoming;
use units::UnitState;

/// How long typing must pause before a changed unit is linted again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Runs the server on stdin/stdout until `exit`. Exit code 0 after `shutdown` then `exit`, 1 when
/// the client exits without `shutdown` or the input ends first (as the protocol asks).
pub fn run(config: Config) -> u8 {
    let (in_tx, in_rx) = mpsc::channel();
    let (out_tx, out_rx) = mpsc::channel();
    let writer = transport::stdio(in_tx, out_rx);
    let code = serve(config, &in_rx, out_tx);
    // The sender is dropped: the writer flushes what is queued and ends.
    let _ = writer.join();
    code
}

/// The session on channels (the tests of the main loop use these directly).
fn serve(config: Config, incoming: &mpsc::Receiver<Incoming>, out: mpsc::Sender<Value>) -> u8 {
    let mut server = Server {
        out,
        config,
        enc: Encoding::Utf16,
        workspace: Workspace::default(),
        docs: Documents::default(),
        units: BTreeMap::new(),
        links: links::Links::default(),
        due: BTreeMap::new(),
        shutdown: false,
        shown: BTreeSet::new(),
    };
    if !server.initialize(incoming) {
        return 1;
    }
    loop {
        let wait = server
            .due
            .values()
            .min()
            .map(|t| t.saturating_duration_since(Instant::now()));
        let next = match wait {
            Some(w) => incoming.recv_timeout(w),
            None => incoming
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(Incoming::Invalid(error)) => server.send(error),
            Ok(Incoming::Message(Message::Request(r))) => server.request(r),
            Ok(Incoming::Message(Message::Notification(n))) => {
                if n.method == notif::Exit::METHOD {
                    return if server.shutdown { 0 } else { 1 };
                }
                server.notification(n);
            }
            // Answers to requests the server never sends.
            Ok(Incoming::Message(Message::Response(_))) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => server.lint_due(Instant::now()),
            Err(mpsc::RecvTimeoutError::Disconnected) => return 1,
        }
    }
}

struct Server {
    out: mpsc::Sender<Value>,
    config: Config,
    enc: Encoding,
    workspace: Workspace,
    docs: Documents,
    /// Per unit directory (resolved): its last lint.
    units: BTreeMap<PathBuf, UnitState>,
    /// Which files include which across directories (modules, nested and linked templates).
    links: links::Links,
    /// Units waiting to be linted, and when.
    due: BTreeMap<PathBuf, Instant>,
    shutdown: bool,
    /// Config problems already shown (each once per session).
    shown: BTreeSet<String>,
}

/// A request's failure as the protocol reports it.
type Failure = (ErrorCode, String);

impl Server {
    fn send(&self, value: Value) {
        // The writer ends only when the editor is gone; nothing to do then.
        let _ = self.out.send(value);
    }

    fn send_message(&self, message: impl Into<Message>) {
        if let Ok(v) = serde_json::to_value(message.into()) {
            self.send(v);
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send_message(Notification::new(N::METHOD.to_string(), params));
    }

    fn log(&self, typ: lsp_types::MessageType, message: String) {
        self.notify::<notif::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    /// Waits for `initialize` (other requests get `ServerNotInitialized`), answers it with the
    /// capabilities. `false`: the client left first.
    fn initialize(&mut self, incoming: &mpsc::Receiver<Incoming>) -> bool {
        loop {
            let r = match incoming.recv() {
                Err(_) => return false,
                Ok(Incoming::Invalid(e)) => {
                    self.send(e);
                    continue;
                }
                Ok(Incoming::Message(Message::Request(r))) => r,
                Ok(Incoming::Message(Message::Notification(n))) => {
                    if n.method == notif::Exit::METHOD {
                        return false;
                    }
                    continue;
                }
                Ok(Incoming::Message(Message::Response(_))) => continue,
            };
            if r.method != req::Initialize::METHOD {
                self.send_message(Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".into(),
                ));
                continue;
            }
            match serde_json::from_value::<lsp_types::InitializeParams>(r.params) {
                Ok(params) => {
                    let result = self.initialized(params);
                    self.send_message(Response::new_ok(r.id, result));
                    return true;
                }
                Err(e) => self.send_message(Response::new_err(
                    r.id,
                    ErrorCode::InvalidParams as i32,
                    format!("initialize: {e}"),
                )),
            }
        }
    }

    #[allow(deprecated)] // `root_uri` and `root_path`: older clients send only those.
    fn initialized(&mut self, params: lsp_types::InitializeParams) -> lsp_types::InitializeResult {
        use lsp_types::*;
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        self.enc = Encoding::negotiate(offered);
        let folders: Vec<PathBuf> = match (&params.workspace_folders, &params.root_uri) {
            (Some(f), _) if !f.is_empty() => {
                f.iter().filter_map(|f| uri::to_path(&f.uri)).collect()
            }
            (_, Some(root)) => uri::to_path(root).into_iter().collect(),
            _ => params.root_path.iter().map(PathBuf::from).collect(),
        };
        for f in folders {
            self.workspace.add(f);
        }
        if self.workspace.folders.is_empty() {
            self.log(
                MessageType::WARNING,
                "no workspace folder: lambda-vpc-lint lints only documents inside workspace folders"
                    .into(),
            );
        }
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.enc.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::FULL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "lambda-vpc-lint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let method = r.method.clone();
        let answer = crate::panic_guard::catch(|| self.dispatch(r));
        let response = match answer {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => {
                self.log(
                    lsp_types::MessageType::ERROR,
                    format!(
                        "internal error in {method}: {panic}; this is a bug in lambda-vpc-lint"
                    ),
                );
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error: {panic}"),
                )
            }
        };
        self.send_message(response);
    }

    fn dispatch(&mut self, r: Request) -> Result<Value, Failure> {
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                format!("`{}` after shutdown", r.method),
            ));
        }
        match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            req::Initialize::METHOD => Err((
                ErrorCode::InvalidRequest,
                "the server is already initialized".into(),
            )),
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(r.params)?;
                let doc = p.text_document_position_params;
                to_value(self.hover(&doc.text_document.uri, doc.position)?)
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(r.params)?;
                to_value(self.code_actions(&p.text_document.uri, p.range)?)
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("lambda-vpc-lint does not handle `{other}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(panic) = crate::panic_guard::catch(|| self.on_notification(n)) {
            self.log(
                lsp_types::MessageType::ERROR,
                format!("internal error in {method}: {panic}; this is a bug in lambda-vpc-lint"),
            );
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let now = Instant::now();
        let result: Result<(), String> = match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                notification_params(n.params).and_then(|p: lsp_types::DidOpenTextDocumentParams| {
                    let doc = p.text_document;
                    let path = self.document_path(&doc.uri)?;
                    self.index(&path, &doc.text);
                    self.docs.open(path.clone(), doc.uri, doc.version, doc.text);
                    self.schedule(&path, now);
                    Ok(())
                })
            }
            notif::DidChangeTextDocument::METHOD => notification_params(n.params).and_then(
                |p: lsp_types::DidChangeTextDocumentParams| {
                    let doc = p.text_document;
                    let path = self.document_path(&doc.uri)?;
                    if !self
                        .docs
                        .change(&path, doc.version, p.content_changes, self.enc)
                    {
                        return Err(format!("{} changed but not open", doc.uri.as_str()));
                    }
                    let text = self.docs.get(&path).map(|d| d.text.clone());
                    self.index(&path, &text.unwrap_or_default());
                    self.schedule(&path, now + DEBOUNCE);
                    Ok(())
                },
            ),
            notif::DidSaveTextDocument::METHOD => {
                notification_params(n.params).and_then(|p: lsp_types::DidSaveTextDocumentParams| {
                    let path = self.document_path(&p.text_document.uri)?;
                    self.schedule(&path, now);
                    Ok(())
                })
            }
            notif::DidCloseTextDocument::METHOD => notification_params(n.params).and_then(
                |p: lsp_types::DidCloseTextDocumentParams| {
                    let path = self.document_path(&p.text_document.uri)?;
                    let own = self.unit_of(&path);
                    self.docs.close(&path);
                    // The file on disk is what links now (nothing, if it was never saved).
                    let on_disk = links::read_small(&path).unwrap_or_default();
                    self.index(&path, &on_disk);
                    self.closed(&path, &own, now);
                    Ok(())
                },
            ),
            notif::DidChangeWorkspaceFolders::METHOD => notification_params(n.params).map(
                |p: lsp_types::DidChangeWorkspaceFoldersParams| {
                    for f in &p.event.removed {
                        if let Some(path) = uri::to_path(&f.uri) {
                            self.workspace.remove(&path);
                        }
                    }
                    for f in &p.event.added {
                        if let Some(path) = uri::to_path(&f.uri) {
                            self.workspace.add(path);
                        }
                    }
                    // Units outside the remaining folders are dropped at their next lint.
                    self.links.reset();
                    let all: Vec<PathBuf> = self.units.keys().cloned().collect();
                    for dir in all {
                        self.due.insert(dir, now);
                    }
                },
            ),
            // `initialized`, `$/cancelRequest` (answers are never late), `$/setTrace`, settings:
            // nothing to do. Unknown notifications are ignored, as the protocol asks.
            _ => Ok(()),
        };
        if let Err(message) = result {
            self.log(lsp_types::MessageType::WARNING, message);
        }
    }

    /// The resolved path of a document inside a workspace folder.
    fn document_path(&self, uri: &lsp_types::Uri) -> Result<PathBuf, String> {
        let path = uri::to_path(uri)
            .ok_or_else(|| format!("{} is not a local file: not linted", uri.as_str()))?;
        let resolved = crate::paths::resolve(&path);
        if self.workspace.folder_of(&resolved).is_none() {
            return Err(format!(
                "{} is outside the workspace folders: not linted (lambda-vpc-lint reads only inside them)",
                uri.as_str()
            ));
        }
        Ok(resolved)
    }

    /// The unit of a document: by its text in the editor; for a document that is not open,
    /// the unit it was last linted as (nothing is read from the disk to decide: a request may
    /// name any path, a FIFO included).
    fn unit_of(&self, path: &Path) -> PathBuf {
        match self.docs.get(path) {
            Some(doc) => units::unit_of(path, &doc.text),
            None if self.units.contains_key(path) => path.to_path_buf(),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }

    /// Keeps the link index current with a document's text (walking the workspace first, once).
    fn index(&mut self, path: &Path, text: &str) {
        self.links.ensure(&self.workspace.roots());
        self.links.update(path, text);
    }

    /// Re-lints, at `when`, the document's unit and every unit that includes it: those that
    /// read it at their last lint, and those the link index says include it (the roots that
    /// call its module, the templates that nest it or import its exports), linted or not yet,
    /// inside the workspace folders. A later change moves the time: that is the debounce.
    fn schedule(&mut self, path: &Path, when: Instant) {
        let mut dirs = vec![self.unit_of(path)];
        dirs.extend(
            self.units
                .iter()
                .filter(|(_, u)| u.has_file(path))
                .map(|(d, _)| d.clone()),
        );
        for f in self.links.includers(path) {
            if self.workspace.folder_of(&f).is_some() {
                dirs.push(self.unit_of(&f));
            }
        }
        for dir in dirs {
            self.due.insert(dir, when);
        }
    }

    /// A closed document: its unit is dropped (its diagnostics cleared) when no document of it
    /// is open any more; the units that read it are linted again from the disk.
    fn closed(&mut self, path: &Path, own: &Path, now: Instant) {
        let still_open = self.units.get(own).is_some_and(|u| {
            self.docs.paths().any(|p| u.has_file(p)) || self.docs.in_dir(own).next().is_some()
        });
        if still_open {
            self.due.insert(own.to_path_buf(), now);
        } else {
            self.due.remove(own);
            self.drop_unit(own);
        }
        let others: Vec<PathBuf> = self
            .units
            .iter()
            .filter(|(d, u)| *d != own && u.has_file(path))
            .map(|(d, _)| d.clone())
            .collect();
        for dir in others {
            self.due.insert(dir, now);
        }
    }

    fn lint_due(&mut self, now: Instant) {
        let ready: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(d, _)| d.clone())
            .collect();
        for dir in ready {
            self.due.remove(&dir);
            self.lint(&dir);
        }
    }

    /// Lints now whatever is pending for a document (before answering about it).
    fn settle(&mut self, path: &Path) {
        let own = self.unit_of(path);
        let pending: Vec<PathBuf> = self
            .due
            .keys()
            .filter(|d| **d == own || self.units.get(*d).is_some_and(|u| u.has_file(path)))
            .cloned()
            .collect();
        for dir in pending {
            self.due.remove(&dir);
            self.lint(&dir);
        }
    }

    fn lint(&mut self, dir: &Path) {
        let Some(folder) = self.workspace.folder_of(dir).cloned() else {
            self.drop_unit(dir);
            return;
        };
        let unsaved = self
            .docs
            .in_dir(dir)
            .filter(|p| !p.exists())
            .map(Path::to_path_buf)
            .collect::<Vec<_>>();
        let mut paths = units::paths(dir, unsaved.into_iter());
        // Templates of other directories it nests or imports from (in the workspace only):
        // the front end links templates of one run.
        let linked: Vec<PathBuf> = self
            .links
            .linked_templates(&paths)
            .into_iter()
            .filter(|p| self.workspace.folder_of(p).is_some())
            .filter(|p| self.docs.get(p).is_some() || p.is_file())
            .collect();
        paths.extend(linked);
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            self.drop_unit(dir);
            return;
        }
        let (options, problems) = self.config.options(
            paths,
            &folder.resolved,
            &self.workspace.roots(),
            self.docs.overlay(),
        );
        let linted = crate::panic_guard::catch(|| crate::engine::lint_with_models(&options));
        let mut problems = problems;
        problems.extend(options.settings.errors().iter().map(ToString::to_string));
        self.show(problems);
        let (report, sources, models) = match linted {
            Ok(r) => r,
            Err(panic) => {
                self.log(
                    lsp_types::MessageType::ERROR,
                    format!(
                        "internal error linting {}: {panic}; this is a bug in lambda-vpc-lint",
                        dir.display()
                    ),
                );
                return;
            }
        };
        let mut published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for (_, file) in sources.files() {
            if self.workspace.folder_of(&file.path).is_some() {
                published.entry(file.path.clone()).or_default();
            }
        }
        for d in &report.diagnostics {
            let file = sources.get(d.span.file);
            if let Some(list) = published.get_mut(&file.path) {
                list.push(diagnostics::convert(d, &sources, &self.workspace, self.enc));
            }
        }
        let state = UnitState {
            report,
            sources,
            models,
            published,
        };
        let mut touched = state.files();
        if let Some(old) = self.units.insert(dir.to_path_buf(), state) {
            touched.extend(old.files());
        }
        self.publish(touched);
    }

    fn drop_unit(&mut self, dir: &Path) {
        if let Some(old) = self.units.remove(dir) {
            self.publish(old.files());
        }
    }

    /// Publishes each file's diagnostics: those of every unit that read it, without repeats.
    fn publish(&self, paths: BTreeSet<PathBuf>) {
        for path in paths {
            let mut all: Vec<lsp_types::Diagnostic> = Vec::new();
            for unit in self.units.values() {
                for d in unit.published.get(&path).into_iter().flatten() {
                    if !all.contains(d) {
                        all.push(d.clone());
                    }
                }
            }
            let (uri, version) = match self.docs.get(&path) {
                Some(doc) => (doc.uri.clone(), Some(doc.version)),
                None => (uri::from_path(&self.workspace.client_path(&path)), None),
            };
            self.notify::<notif::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics: all,
                version,
            });
        }
    }

    fn show(&mut self, problems: Vec<String>) {
        for p in problems {
            if self.shown.insert(p.clone()) {
                self.notify::<notif::ShowMessage>(lsp_types::ShowMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: format!("lambda-vpc-lint: {p}"),
                });
            }
        }
    }

    /// The unit that holds a document after its pending lint, with the file's id in it: the
    /// document's own unit first, then a unit that read it.
    fn unit_for(
        &mut self,
        uri: &lsp_types::Uri,
    ) -> Result<Option<(PathBuf, crate::source::FileId)>, Failure> {
        let path = self
            .document_path(uri)
            .map_err(|m| (ErrorCode::InvalidParams, m))?;
        self.settle(&path);
        let own = self.unit_of(&path);
        let found = self
            .units
            .get_key_value(&own)
            .into_iter()
            .chain(self.units.iter().filter(|(d, _)| **d != own))
            .find_map(|(d, u)| {
                let id = u.sources.files().find(|(_, f)| f.path == path)?.0;
                Some((d.clone(), id))
            });
        Ok(found)
    }

    fn hover(
        &mut self,
        uri: &lsp_types::Uri,
        at: lsp_types::Position,
    ) -> Result<Option<lsp_types::Hover>, Failure> {
        let enc = self.enc;
        let Some((dir, file)) = self.unit_for(uri)? else {
            return Ok(None);
        };
        let unit = &self.units[&dir];
        let source = unit.sources.get(file);
        let offset = position::offset(&source.text, at, enc) as u32;
        let Some((text, span)) =
            hover::hover(&unit.models, &unit.report.coverage.entries, file, offset)
        else {
            return Ok(None);
        };
        Ok(Some(lsp_types::Hover {
            contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                kind: lsp_types::MarkupKind::Markdown,
                value: text,
            }),
            range: Some(position::range(source, span, enc)),
        }))
    }

    fn code_actions(
        &mut self,
        uri: &lsp_types::Uri,
        range: lsp_types::Range,
    ) -> Result<Option<lsp_types::CodeActionResponse>, Failure> {
        let enc = self.enc;
        let Some((dir, file)) = self.unit_for(uri)? else {
            return Ok(None);
        };
        let unit = &self.units[&dir];
        let offsets = actions::offsets(unit.sources.get(file), range, enc);
        let list = actions::actions(
            &unit.report,
            &unit.sources,
            file,
            offsets,
            &self.workspace,
            enc,
        );
        Ok(Some(list))
    }
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn notification_params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid notification parameters: {e}"))
}

fn to_value(v: impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
