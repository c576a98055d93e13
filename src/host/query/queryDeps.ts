import type * as vscode from 'vscode';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ConnectionsApi } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import type { Logger } from '../../core/ports';
import type { QueryHistory } from '../../core/query/history';
import type { SqlDialect } from '../../core/sql/lexer';
import { StatementCache, type StatementRange } from '../../core/sql/statements';
import type { ResultPanels } from '../webviews/results/resultPanels';
import type { EditorBindings } from './bindings';

/** What the query features need; each feature lives in its own file beside this one. */
export interface QueryDeps {
  api: ConnectionsApi;
  connections: ConnectionsModel;
  registry: ConnectorRegistry;
  bindings: EditorBindings;
  results: ResultPanels;
  history: QueryHistory;
  logger: Logger;
  codeLensEnabled(): boolean;
}

/** One split per document version, shared by the Run lenses and the command. */
const statementCache = new StatementCache();

export const statementsOf = (doc: vscode.TextDocument, dialect: SqlDialect): StatementRange[] =>
  statementCache.get(doc.uri.toString(), doc.version, dialect, () => doc.getText());
