/**
 * The HTML shell of every panel: a strict CSP whose only script is the surface's bundle, with the
 * load's nonce. It carries no data: everything reaches the page as typed messages. No `vscode` here,
 * so it is unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface ShellParts {
  cspSource: string;
  scriptUri: string;
  codiconUri: string;
}

/** The shell with a fresh, unguessable nonce (144 random bits) made here, on every load. */
export function buildWebviewHtml({ cspSource, scriptUri, codiconUri }: ShellParts): string {
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codiconUri}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<title>Planasonix</title>
</head>
<body>
<main id="root"></main>
<script type="module" nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
