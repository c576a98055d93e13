import { buildWebviewHtml } from './webviewHtml';
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';

/** Built browser assets live here; a webview may load nothing else. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // No retainContextWhenHidden: each surface restores itself from getState/setState.
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** The one HTML shell of every panel, with a fresh nonce per load. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: string): string {
  const root = webviewRoot(extensionUri);
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${surface}.js`)).toString(),
    codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css')).toString(),
  });
}

/**
 * Typed messages to and from one webview. Messages that do not match the protocol are dropped;
 * posts wait until the page has said it is ready.
 */
export class WebviewChannel<In extends { type: string }, Out> implements vscode.Disposable {
  private ready = false;
  private queue: Out[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    isIn: (value: unknown) => value is In,
    onMessage: (message: In) => void,
    logger: Logger,
  ) {
    this.subscription = webview.onDidReceiveMessage((raw: unknown) => {
      if (!isIn(raw)) {
        logger.warn(`Dropped a webview message that does not match the protocol.`);
        return;
      }
      if (raw.type === 'ready') {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) void this.webview.postMessage(m);
      }
      onMessage(raw);
    });
  }

  post(message: Out): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
