//! Shared by the moto deploy tests: the moto-bound `Aws` (or a skip), a `Ui` that
//! records, deploy options with fast polling, the one bootstrap per test binary, app
//! helpers and moto's data dump.
#![allow(dead_code)]

use std::path::Path;

use cdk::{App, AppProps, Stack, StackProps};
use cdk_toolkit::deploy::Ui;
use cdk_toolkit::deploy::aws::{Aws, AwsSettings};
use cdk_toolkit::deploy::bootstrap::{self, BootstrapOptions};
use cdk_toolkit::deploy::changeset::{DeployOptions, RequireApproval};
use cdk_toolkit::deploy::events::Polling;
use tokio::sync::Mutex;

pub const REGION: &str = "us-west-2";

/// Collects lines; answers questions with `answer`.
pub struct Recorder {
    pub lines: Vec<String>,
    pub answer: bool,
}

impl Recorder {
    pub fn answering(answer: bool) -> Self {
        Self {
            lines: Vec::new(),
            answer,
        }
    }
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

impl Ui for Recorder {
    fn line(&mut self, text: &str) {
        println!("{text}");
        self.lines.push(text.to_string());
    }
    fn confirm(&mut self, question: &str) -> bool {
        println!("{question} -> {}", self.answer);
        self.lines.push(question.to_string());
        self.answer
    }
}

pub async fn moto(region: &str) -> Option<Aws> {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if url.starts_with("http://127.0.0.1:") => Some(
            Aws::load(&AwsSettings {
                region: Some(region.into()),
                endpoint_url: Some(url),
                ..Default::default()
            })
            .await,
        ),
        _ => {
            eprintln!(
                "skipping: AWS_ENDPOINT_URL is not a local moto_server (http://127.0.0.1:PORT); \
                 scripts/checks/70-deploy.sh runs these tests"
            );
            None
        }
    }
}

pub static BOOTSTRAPPED: Mutex<bool> = Mutex::const_new(false);

pub fn options(require_approval: RequireApproval) -> DeployOptions {
    DeployOptions {
        require_approval,
        no_execute: false,
        polling: fast(),
        hotswap: Default::default(),
    }
}

pub fn fast() -> Polling {
    Polling {
        interval: std::time::Duration::from_millis(100),
        timeout: std::time::Duration::from_secs(60),
    }
}

pub async fn ensure_bootstrapped(aws: &Aws) {
    let mut done = BOOTSTRAPPED.lock().await;
    if !*done {
        let mut ui = Recorder::answering(true);
        bootstrap::bootstrap(
            aws,
            REGION,
            &BootstrapOptions::default(),
            &options(RequireApproval::Never),
            &mut ui,
        )
        .await
        .expect("bootstrap");
        *done = true;
    }
}

/// Deploys every stack of `assembly` without asking.
pub async fn deploy_all(
    aws: &Aws,
    assembly: &cdk_toolkit::assembly::AssemblyReader,
    ui: &mut Recorder,
) -> cdk_toolkit::error::Result<Vec<(String, cdk_toolkit::deploy::changeset::DeployOutcome)>> {
    cdk_toolkit::deploy::toolkit::deploy(aws, assembly, &[], &options(RequireApproval::Never), ui)
        .await
}

pub fn suffix() -> u32 {
    std::process::id()
}

pub fn new_app(outdir: &Path) -> App {
    App::new(AppProps {
        outdir: Some(outdir.to_path_buf()),
        ..Default::default()
    })
    .expect("app")
}

pub fn stack(app: &App, id: &str) -> Stack {
    Stack::new(app, id, StackProps::default()).expect("stack")
}

/// moto's view of everything (`/moto-api/data.json`) — the only place the role a
/// stack was created with (`RoleARN`) shows, as moto's DescribeStacks leaves it out.
/// moto builds the dump while other tests change its state and then sometimes
/// answers 500, so a bounded number of attempts is made.
pub fn moto_data() -> serde_json::Value {
    let url = std::env::var("AWS_ENDPOINT_URL").expect("endpoint");
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let mut last = String::new();
    for _ in 0..10 {
        match fetch_data(addr) {
            Ok(value) => return value,
            Err(e) => last = e,
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    panic!("moto's /moto-api/data.json: {last}");
}

fn fetch_data(addr: &str) -> Result<serde_json::Value, String> {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    conn.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        conn,
        "GET /moto-api/data.json HTTP/1.0\r\nHost: {addr}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("not an HTTP response")?;
    let status = head.lines().next().unwrap_or_default();
    if !status.contains(" 200") {
        return Err(format!(
            "{status}: {}",
            body.chars().take(200).collect::<String>()
        ));
    }
    serde_json::from_str(body)
        .map_err(|e| format!("{e}: {}", body.chars().take(200).collect::<String>()))
}
