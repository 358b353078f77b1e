//! A small Chrome DevTools Protocol client for the browser tests: starts headless Chromium
//! with a fresh profile, connects to its page over the DevTools websocket, evaluates
//! JavaScript, takes screenshots and lets downloads go to a folder.

use serde_json::{json, Value};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// How long Chromium may take to start or a page to load (a slow, shared CI machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// The Chromium binary: `chromium` (Debian), else `chromium-browser`; `None` when neither is
/// installed.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}"))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// A running headless Chromium and the websocket of its page.
pub struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `binary` headless (no sandbox: CI runs as root) and connects to its first page.
    pub fn launch(binary: &str) -> Result<Browser, String> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {binary}: {e}"))?;
        let mut browser_child = Some(child);
        let result = (|| {
            // Chromium writes the port it chose into the profile.
            let port_file = profile.path().join("DevToolsActivePort");
            let port = wait_for(|| {
                let text = std::fs::read_to_string(&port_file).ok()?;
                text.lines().next()?.trim().parse::<u16>().ok()
            })
            .ok_or("Chromium did not open its DevTools port")?;
            let url = wait_for(|| {
                let text = ureq::get(&format!("http://127.0.0.1:{port}/json/list"))
                    .call()
                    .ok()?
                    .body_mut()
                    .read_to_string()
                    .ok()?;
                let list: Value = serde_json::from_str(&text).ok()?;
                list.as_array()?
                    .iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(String::from))
            })
            .ok_or("Chromium shows no page target")?;
            let (ws, _) = tungstenite::connect(url.as_str()).map_err(|e| e.to_string())?;
            Ok::<_, String>(ws)
        })();
        match result {
            Ok(ws) => Ok(Browser {
                child: browser_child.take().expect("child"),
                ws,
                next_id: 0,
                _profile: profile,
            }),
            Err(e) => {
                if let Some(mut c) = browser_child.take() {
                    let _ = c.kill();
                    let _ = c.wait();
                }
                Err(e)
            }
        }
    }

    /// Sends a command and returns its result (events in between are ignored).
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"id": id, "method": method, "params": params});
        self.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| e.to_string())?;
        loop {
            let m = self.ws.read().map_err(|e| e.to_string())?;
            let Message::Text(text) = m else { continue };
            let v: Value = serde_json::from_str(text.as_str()).map_err(|e| e.to_string())?;
            if v["id"].as_u64() == Some(id) {
                if !v["error"].is_null() {
                    return Err(format!("{method}: {}", v["error"]));
                }
                return Ok(v["result"].clone());
            }
        }
    }

    /// Evaluates `expr` in the page and returns its value (an exception is an error).
    pub fn eval(&mut self, expr: &str) -> Result<Value, String> {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        )?;
        if !r["exceptionDetails"].is_null() {
            return Err(format!("{expr}: {}", r["exceptionDetails"]));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Opens `url` and waits until the document is loaded and `ready` (an expression) is true.
    pub fn open(&mut self, url: &str, ready: &str) -> Result<(), String> {
        self.call("Page.enable", json!({}))?;
        self.call("Page.navigate", json!({"url": url}))?;
        let check = format!("document.readyState === 'complete' && !!({ready})");
        let start = Instant::now();
        loop {
            if self.eval(&check).ok() == Some(Value::Bool(true)) {
                return Ok(());
            }
            if start.elapsed() > PATIENCE {
                return Err(format!("{url} did not load"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot(&mut self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().ok_or("no screenshot data")?)
            .map_err(|e| e.to_string())
    }

    /// Lets downloads of the page go to `dir`.
    pub fn allow_downloads(&mut self, dir: &Path) -> Result<(), String> {
        self.call(
            "Page.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": dir.display().to_string()}),
        )
        .map(|_| ())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` every 100 ms until it gives a value or [`PATIENCE`] has passed.
pub fn wait_for<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > PATIENCE {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits for the complete file `dir/name` of a download (Chromium writes a `.crdownload`
/// first and renames it when done).
pub fn downloaded(dir: &Path, name: &str) -> Option<PathBuf> {
    let path = dir.join(name);
    wait_for(|| path.is_file().then(|| path.clone()))
}

/// Share of pixels of a PNG that differ from its most common colour (the page background):
/// near 0 for a blank page.
pub fn ink_share(png_bytes: &[u8]) -> f64 {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for p in &pixels {
        *counts.entry(*p).or_insert(0) += 1;
    }
    let background = counts.values().copied().max().unwrap_or(0);
    let ink = pixels.len() - background;
    ink as f64 / pixels.len() as f64
}
