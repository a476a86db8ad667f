//! `aslint-lsp`: the aslint language server over stdio (also started by `aslint lsp`).
#![forbid(unsafe_code)]

fn main() {
    if std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-V")
    {
        println!("aslint-lsp {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!(
            "aslint-lsp {}: the Amazon States Language server (LSP over stdin/stdout)\n\nusage: aslint-lsp [--stdio]",
            env!("CARGO_PKG_VERSION")
        );
        return;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("aslint-lsp: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    runtime.block_on(aslint_lsp::run_stdio());
    // The stdin reader may still be blocked in a read (clients need not close stdin after `exit`): do not wait for
    // it.
    runtime.shutdown_background();
}
