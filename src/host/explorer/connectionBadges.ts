import * as vscode from 'vscode';
import type { Connection } from '../../core/api/types';

/** The URI scheme of connection rows: only so a decoration (a badge at the row's end) can mark them. */
export const connectionScheme = 'planasonix-connection';

type Marked = 'hosted' | 'linked';

const badges: Record<Marked, { badge: string; tooltip: string }> = {
  hosted: { badge: 'P', tooltip: 'In your Planasonix workspace (shared with your team)' },
  linked: { badge: '⇅', tooltip: 'On this machine, linked to your Planasonix workspace' },
};

function markOf(connection: Connection): Marked | undefined {
  return connection.link ? 'linked' : connection.scope === 'hosted' ? 'hosted' : undefined;
}

/** The row's resource: whether it is a team connection or a linked copy, so the badge needs no lookup. */
export function connectionUri(connection: Connection): vscode.Uri | undefined {
  const mark = markOf(connection);
  return mark
    ? vscode.Uri.from({ scheme: connectionScheme, path: `/${mark}/${encodeURIComponent(connection.id)}` })
    : undefined;
}

/**
 * Badges at the end of connection rows (a description is cut when the sidebar is narrow; a badge is not):
 * `P` for a connection of the Planasonix workspace, `⇅` for a copy here linked to one there.
 */
export class ConnectionBadges implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== connectionScheme) return undefined;
    const mark = uri.path.split('/')[1];
    const b = mark === 'hosted' || mark === 'linked' ? badges[mark] : undefined;
    return b ? new vscode.FileDecoration(b.badge, b.tooltip) : undefined;
  }
}
