//! The `LanguageServer` implementation: document store, versioned diagnostics, request dispatch.
//!
//! Handlers run concurrently (tower-lsp-server). Invariants:
//! - a document's text only moves forward: a change whose version is not newer than the stored one is ignored;
//! - diagnostics are published with the version they were computed for, only while that version is current,
//!   under one lock, so an older result can never follow a newer one;
//! - analysis runs on the blocking pool, so a panic there (a library bug) fails one request, not the server.

use crate::convert::{self, default_docs_base};
use crate::document::{is_asl_name, source_kind, Document};
use crate::features;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// The server state shared by all handlers.
pub struct Backend {
    client: Client,
    docs: Mutex<HashMap<Uri, Arc<Document>>>,
    /// Last version published per document; held while publishing.
    published: tokio::sync::Mutex<HashMap<Uri, i32>>,
    docs_base: Mutex<Option<String>>,
    reported: Mutex<HashSet<String>>,
    /// The library's findings per document, with the version they were computed for (hover and code actions
    /// reuse them instead of linting again).
    lints: Mutex<HashMap<Uri, (i32, Lints)>>,
}

type Lints = Arc<Vec<aslint::diagnostics::Diagnostic>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another handler panicked mid-update of a map of snapshots: keep going.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn internal(msg: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: msg.into().into(),
        data: None,
    }
}

/// Runs CPU-bound analysis off the async workers; a panic becomes a request error.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| internal(format!("analysis failed: {e}")))
}

fn uri_path(uri: &Uri) -> String {
    uri.path().as_str().to_string()
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            docs: Mutex::new(HashMap::new()),
            published: tokio::sync::Mutex::new(HashMap::new()),
            docs_base: Mutex::new(default_docs_base()),
            reported: Mutex::new(HashSet::new()),
            lints: Mutex::new(HashMap::new()),
        }
    }

    fn doc(&self, uri: &Uri) -> Option<Arc<Document>> {
        lock(&self.docs).get(uri).cloned()
    }

    /// Lints a snapshot and publishes the result if it is still the current version.
    async fn refresh(&self, uri: Uri, doc: Arc<Document>) {
        let version = doc.version;
        let warm_doc = doc.clone();
        let docs_base = lock(&self.docs_base).clone();
        let u = uri.clone();
        let computed = blocking(move || {
            let file = u.to_file_path().map(|p| p.into_owned());
            let (settings, config_error) = convert::settings_for(file.as_deref());
            let path = uri_path(&u);
            let diags = convert::lint_document(&doc, &path, settings);
            let lsp: Vec<Diagnostic> = diags
                .iter()
                .map(|d| convert::to_lsp(d, &doc, &u, docs_base.as_deref()))
                .collect();
            (lsp, config_error, Arc::new(diags))
        })
        .await;
        let (diags, config_error, raw) = match computed {
            Ok(r) => r,
            Err(e) => {
                self.client
                    .log_message(MessageType::ERROR, format!("aslint: {}", e.message))
                    .await;
                return;
            }
        };
        if let Some(msg) = config_error {
            if lock(&self.reported).insert(msg.clone()) {
                self.client
                    .show_message(MessageType::WARNING, format!("aslint: {msg}"))
                    .await;
            }
        }
        let mut published = self.published.lock().await;
        let current = lock(&self.docs).get(&uri).map(|d| d.version);
        if current != Some(version) {
            return; // superseded or closed
        }
        if published.get(&uri).is_some_and(|v| *v > version) {
            return;
        }
        published.insert(uri.clone(), version);
        lock(&self.lints).insert(uri.clone(), (version, raw));
        self.client
            .publish_diagnostics(uri, diags, Some(version))
            .await;
        drop(published);
        // Warm the type-flow analysis kept with this version, for hover and completion (computed once; a request
        // arriving meanwhile waits for this computation rather than repeating it).
        let warm = warm_doc;
        tokio::task::spawn_blocking(move || {
            let _ = warm.typeflow();
        });
    }

    /// The findings of a document version: those published for it, else computed now.
    async fn lints(&self, uri: &Uri, doc: &Arc<Document>) -> Result<Lints> {
        if let Some((v, l)) = lock(&self.lints).get(uri) {
            if *v == doc.version {
                return Ok(l.clone());
            }
        }
        let doc = doc.clone();
        let file = uri.to_file_path().map(|p| p.into_owned());
        let path = uri_path(uri);
        blocking(move || {
            let (settings, _) = convert::settings_for(file.as_deref());
            Arc::new(convert::lint_document(&doc, &path, settings))
        })
        .await
    }

    /// An edited `aslint.toml` changes levels: re-lint every open document.
    async fn relint_all(&self) {
        let all: Vec<(Uri, Arc<Document>)> = lock(&self.docs)
            .iter()
            .map(|(u, d)| (u.clone(), d.clone()))
            .collect();
        for (u, d) in all {
            self.refresh(u, d).await;
        }
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["\"", ":", ".", "$", " "]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        if let Some(base) = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("docsBaseUrl"))
            .and_then(|v| v.as_str())
        {
            let base = if base.ends_with('/') {
                base.to_string()
            } else {
                format!("{base}/")
            };
            *lock(&self.docs_base) = Some(base);
        }
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "aslint-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let path = uri_path(&td.uri);
        let doc = Arc::new(Document::new(
            td.text,
            td.version,
            source_kind(&path, &td.language_id),
            is_asl_name(&path),
        ));
        lock(&self.docs).insert(td.uri.clone(), doc.clone());
        self.refresh(td.uri, doc).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let doc = {
            let mut docs = lock(&self.docs);
            let Some(old) = docs.get(&uri) else { return };
            if version <= old.version {
                return; // out of order or repeated
            }
            let mut text = old.text.clone();
            for change in params.content_changes {
                match change.range {
                    None => text = change.text,
                    Some(range) => {
                        let tmp = Document::new(text, 0, old.kind, old.is_asl_name);
                        let span = tmp.span(range);
                        let mut t = tmp.text;
                        t.replace_range(span.range(), &change.text);
                        text = t;
                    }
                }
            }
            let doc = Arc::new(Document::new(text, version, old.kind, old.is_asl_name));
            docs.insert(uri.clone(), doc.clone());
            doc
        };
        self.refresh(uri, doc).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if uri_path(&params.text_document.uri).ends_with("aslint.toml") {
            self.relint_all().await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| uri_path(&c.uri).ends_with("aslint.toml"))
        {
            self.relint_all().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut published = self.published.lock().await;
        lock(&self.docs).remove(&uri);
        lock(&self.lints).remove(&uri);
        published.remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(doc) = self.doc(&pos.text_document.uri) else {
            return Ok(None);
        };
        let items = blocking(move || {
            let off = doc.offset(pos.position);
            features::completion(&doc, off)
        })
        .await?;
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let diags = self.lints(&uri, &doc).await?;
        let docs_base = lock(&self.docs_base).clone();
        let result = blocking(move || {
            let off = doc.offset(pos.position);
            let mut parts = Vec::new();
            let mut range = None;
            if let Some((text, span)) = features::hover(&doc, off) {
                parts.push(text);
                range = Some(doc.range(span));
            }
            for d in features::diagnostics_at(&diags, off) {
                let meta = aslint::rules::find_rule(d.rule.code).map(|r| r.meta());
                let mut s = format!("**{}** (`{}`): {}", d.rule.name, d.rule.code, d.message);
                if let Some(m) = meta {
                    s.push_str(&format!("\n\n{}", m.summary()));
                }
                if let Some(base) = &docs_base {
                    s.push_str(&format!(
                        "\n\n[Rule documentation]({base}{}.md)",
                        d.rule.name
                    ));
                }
                parts.push(s);
                range.get_or_insert(doc.range(d.primary.span));
            }
            (!parts.is_empty()).then(|| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: parts.join("\n\n---\n\n"),
                }),
                range,
            })
        })
        .await?;
        Ok(result)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let locs = blocking(move || {
            let spans = features::definition(&doc, doc.offset(pos.position));
            features::locations(&uri, &doc, &spans)
        })
        .await?;
        Ok(match locs.len() {
            0 => None,
            1 => locs.into_iter().next().map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locs)),
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri;
        let include = params.context.include_declaration;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let locs = blocking(move || {
            let spans = features::references(&doc, doc.offset(pos.position), include);
            features::locations(&uri, &doc, &spans)
        })
        .await?;
        Ok((!locs.is_empty()).then_some(locs))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(doc) = self.doc(&params.text_document.uri) else {
            return Ok(None);
        };
        let r = blocking(move || {
            features::prepare_rename(&doc, doc.offset(params.position)).map(|(span, name)| {
                PrepareRenameResponse::RangeWithPlaceholder {
                    range: doc.range(span),
                    placeholder: name,
                }
            })
        })
        .await?;
        Ok(r)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let new_name = params.new_name;
        let u = uri.clone();
        let edits = blocking(move || {
            features::rename(&doc, doc.offset(pos.position), &new_name).map(|edits| {
                edits
                    .into_iter()
                    .map(|(s, t)| TextEdit::new(doc.range(s), t))
                    .collect::<Vec<_>>()
            })
        })
        .await?;
        match edits {
            Ok(edits) if edits.is_empty() => Ok(None),
            Ok(edits) => {
                let mut changes = HashMap::new();
                changes.insert(u, edits);
                Ok(Some(WorkspaceEdit::new(changes)))
            }
            Err(e) => Err(Error {
                code: ErrorCode::InvalidParams,
                message: e.0.into(),
                data: None,
            }),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(doc) = self.doc(&params.text_document.uri) else {
            return Ok(None);
        };
        let symbols = blocking(move || features::document_symbols(&doc)).await?;
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let docs_base = lock(&self.docs_base).clone();
        let diags = self.lints(&uri, &doc).await?;
        let actions = blocking(move || {
            let want = doc.span(params.range);
            diags
                .iter()
                .filter(|d| d.fix.is_some())
                .filter(|d| {
                    d.primary.span.start() <= want.end() && want.start() <= d.primary.span.end()
                })
                .filter_map(|d| {
                    let lsp = convert::to_lsp(d, &doc, &uri, docs_base.as_deref());
                    convert::fix_action(d, lsp, &doc, &uri)
                })
                .map(CodeActionOrCommand::CodeAction)
                .collect::<Vec<_>>()
        })
        .await?;
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.doc(&params.text_document.uri) else {
            return Ok(None);
        };
        let edits = blocking(move || {
            let formatted = features::format_json(&doc)?;
            if formatted == doc.text {
                return Some(Vec::new());
            }
            let end = doc.position(doc.text.len());
            Some(vec![TextEdit::new(
                Range::new(Position::new(0, 0), end),
                formatted,
            )])
        })
        .await?;
        Ok(edits)
    }
}

/// Builds the service (for stdio or an in-process transport).
pub fn service() -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    LspService::new(Backend::new)
}

/// Largest message body accepted (a bigger one is skipped, not buffered).
const MAX_BODY: usize = 256 << 20;

/// Copies LSP frames from `input` to `output`, keeping only well-formed JSON-RPC messages. The transport ends its
/// input stream at the first undecodable message, so a garbage frame would stop the server: a frame that is not a
/// request, notification or response is dropped, except that a message with an `id` becomes a call of an unknown
/// method, so that the client still gets an error response for it.
async fn sanitize<I, W>(input: I, mut output: W)
where
    I: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let mut r = tokio::io::BufReader::new(input);
    loop {
        let mut len: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match (&mut r).take(64 * 1024).read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&line);
            let l = line.trim();
            if l.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((k, v)) = l.split_once(':') {
                if k.trim().eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().ok();
                }
            }
        }
        let Some(len) = len else { continue };
        if len > MAX_BODY {
            let _ = tokio::io::copy(&mut (&mut r).take(len as u64), &mut tokio::io::sink()).await;
            continue;
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        let ok = serde_json::from_slice::<tower_lsp_server::jsonrpc::Request>(&body).is_ok()
            || serde_json::from_slice::<tower_lsp_server::jsonrpc::Response>(&body).is_ok();
        let body = if ok {
            body
        } else {
            match serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .filter(|id| id.is_string() || id.is_number())
            {
                Some(id) => serde_json::to_vec(&serde_json::json!({
                    "jsonrpc": "2.0", "id": id, "method": "$/aslint/invalidMessage"
                }))
                .unwrap_or_default(),
                None => continue,
            }
        };
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(head.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

/// Serves LSP over any byte streams until `exit` (or the end of the input).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    let (clean_in, clean_out) = tokio::io::duplex(1 << 16);
    let pump = sanitize(input, clean_out);
    let server = Server::new(clean_in, output, socket)
        .concurrency_level(8)
        .serve(service);
    tokio::pin!(pump);
    tokio::pin!(server);
    let mut pumping = true;
    loop {
        tokio::select! {
            _ = &mut server => return,
            _ = &mut pump, if pumping => pumping = false,
        }
    }
}

/// Serves LSP over stdin/stdout.
pub async fn run_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}
