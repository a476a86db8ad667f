// VS Code client of the aslint language server: starts `aslint lsp` (configurable) over stdio for ASL documents.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The documents the server handles: `*.asl.json`, `*.asl.yaml`, `*.asl.yml`, on disk or unsaved. */
const DOCUMENTS: LanguageClientOptions["documentSelector"] = [
  { scheme: "file", pattern: "**/*.asl.{json,yaml,yml}" },
  { scheme: "untitled", language: "json" },
  { scheme: "untitled", language: "yaml" },
];

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("aslint");
  const command = config.get<string>("path") || "aslint";
  const args = config.get<string[]>("serverArgs") ?? ["lsp"];
  return { command, args, transport: TransportKind.stdio };
}

async function start(): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    synchronize: {
      // Rule levels come from aslint.toml: the server re-lints when one is saved.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/aslint.toml"),
    },
  };
  client = new LanguageClient("aslint", "aslint", serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("aslint").get<string>("path");
    void vscode.window.showErrorMessage(
      `aslint: could not start the language server with \`${path} lsp\` (${err}). ` +
        "Install it with `cargo install --path . && cargo install --path lsp`, or set `aslint.path`."
    );
    client = undefined;
  }
}

async function stop(): Promise<void> {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("aslint.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("aslint.path") || e.affectsConfiguration("aslint.serverArgs")) {
        await stop();
        await start();
      }
    })
  );
  await start();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
