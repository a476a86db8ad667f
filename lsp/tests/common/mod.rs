//! A minimal JSON-RPC client for end-to-end tests: speaks LSP framing to the real server, either in-process over a
//! duplex pipe or to the built `aslint-lsp` binary over stdio.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    rx: mpsc::UnboundedReceiver<Value>,
    /// Messages read but not consumed yet (notifications while waiting for a response, ...).
    backlog: VecDeque<Value>,
    next_id: i64,
    pub child: Option<tokio::process::Child>,
}

fn spawn_reader(reader: impl AsyncRead + Unpin + Send + 'static) -> mpsc::UnboundedReceiver<Value> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut r = BufReader::new(reader);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                match r.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let l = line.trim();
                if l.is_empty() {
                    break;
                }
                if let Some(v) = l
                    .to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_string())
                {
                    len = v.parse::<usize>().ok();
                }
            }
            let Some(len) = len else { return };
            let mut buf = vec![0; len];
            if r.read_exact(&mut buf).await.is_err() {
                return;
            }
            let Ok(v) = serde_json::from_slice::<Value>(&buf) else {
                return;
            };
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    rx
}

impl Client {
    /// The server in-process, over a duplex pipe.
    pub fn in_process() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (sr, sw) = tokio::io::split(server_end);
        tokio::spawn(aslint_lsp::serve(sr, sw));
        let (cr, cw) = tokio::io::split(client_end);
        Client {
            writer: Box::new(cw),
            rx: spawn_reader(cr),
            backlog: VecDeque::new(),
            next_id: 1,
            child: None,
        }
    }

    /// The built binary over stdio.
    pub fn spawn_binary() -> Client {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_aslint-lsp"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn aslint-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        Client {
            writer: Box::new(stdin),
            rx: spawn_reader(stdout),
            backlog: VecDeque::new(),
            next_id: 1,
            child: Some(child),
        }
    }

    pub async fn send_raw(&mut self, body: &[u8]) {
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(head.as_bytes()).await.expect("write");
        self.writer.write_all(body).await.expect("write");
        self.writer.flush().await.expect("flush");
    }

    pub async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).expect("json");
        self.send_raw(&body).await;
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn next_message(&mut self) -> Value {
        if let Some(m) = self.backlog.pop_front() {
            return m;
        }
        self.read().await
    }

    async fn read(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(TIMEOUT, self.rx.recv())
                .await
                .expect("timed out waiting for the server")
                .expect("server closed the connection");
            // Answer server-to-client requests (configuration, progress) with null.
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
                continue;
            }
            return m;
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub async fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let m = self.read().await;
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.backlog.push_back(m);
        }
    }

    /// Sends a request and returns its `result` (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_full(method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    pub async fn initialize(&mut self) -> Value {
        let r = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": {}}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        r
    }

    pub async fn open(&mut self, uri: &str, language: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    /// Every publishDiagnostics for `uri` until the one for `version`; returns them all (the last is for
    /// `version`).
    pub async fn diagnostics_until(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let mut seen = Vec::new();
        let mut keep = VecDeque::new();
        loop {
            let m = self.next_message().await;
            if m.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && m["params"]["uri"] == json!(uri)
            {
                let v = m["params"]["version"].as_i64();
                seen.push(m["params"].clone());
                if v == Some(version as i64) {
                    break;
                }
            } else {
                keep.push_back(m);
            }
        }
        keep.extend(self.backlog.drain(..));
        self.backlog = keep;
        seen
    }

    /// The diagnostics published for `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let all = self.diagnostics_until(uri, version).await;
        all.last()
            .and_then(|p| p["diagnostics"].as_array().cloned())
            .unwrap_or_default()
    }

    pub async fn shutdown(&mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

/// Splits `text` at the `|` cursor marker: the text without it and the cursor's LSP position (UTF-16).
pub fn cursor(text_with_marker: &str) -> (String, Value) {
    let off = text_with_marker.find('|').expect("cursor marker");
    let text = text_with_marker.replacen('|', "", 1);
    (text.clone(), position(&text, off))
}

/// The LSP position of a byte offset, computed independently of the server (UTF-16 columns).
pub fn position(text: &str, off: usize) -> Value {
    let before = &text[..off];
    let line = before.matches('\n').count();
    let col: usize = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({"line": line, "character": col})
}

/// The LSP position of the first occurrence of `needle` (plus `delta` bytes).
pub fn pos_of(text: &str, needle: &str, delta: usize) -> Value {
    let off = text.find(needle).expect("needle") + delta;
    position(text, off)
}

pub fn tdp(uri: &str, pos: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos})
}

pub fn labels(result: &Value) -> Vec<String> {
    let items = result
        .get("items")
        .and_then(Value::as_array)
        .or_else(|| result.as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|i| i["label"].as_str().map(String::from))
        .collect()
}
