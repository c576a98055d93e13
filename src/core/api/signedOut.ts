import { ConnectionError } from '../errors';
import type {
  ApiDisposable,
  CatalogsResponse,
  CloudSchemaResponse,
  ColumnsResponse,
  Connection,
  ConnectionsApi,
  DeleteConnectionResponse,
  FilesResponse,
  ListConnectionsResponse,
  SchemasResponse,
  StreamStats,
  TablesResponse,
  TestConnectionResponse,
} from './types';

/** The server code that marks "signed out" (not "failing"): its connections are not kept as last listed. */
export const signedOutCode = 'signed_out';

/**
 * Stands in for the hosted workspace after the user signed out: the tree shows one node that says so,
 * with Sign In, and every call says to sign in. Nothing is asked of any server.
 */
export class SignedOutApi implements ConnectionsApi {
  /** `never`: nobody signed in on this machine yet (the first run); `signedOut`: the user signed out. */
  constructor(private readonly why: 'never' | 'signedOut' = 'signedOut') {}

  private fail(): Promise<never> {
    const text =
      this.why === 'never' ? 'Sign in to see your team’s connections.' : 'Signed out. Sign in to see its connections.';
    return Promise.reject(new ConnectionError('auth_failed', text, { serverCode: signedOutCode }));
  }
  listConnections(): Promise<ListConnectionsResponse> {
    return this.fail();
  }
  createConnection(): Promise<Connection> {
    return this.fail();
  }
  getConnection(): Promise<Connection> {
    return this.fail();
  }
  updateConnection(): Promise<Connection> {
    return this.fail();
  }
  deleteConnection(): Promise<DeleteConnectionResponse> {
    return this.fail();
  }
  testConnection(): Promise<TestConnectionResponse> {
    return this.fail();
  }
  listCatalogs(): Promise<CatalogsResponse> {
    return this.fail();
  }
  listSchemas(): Promise<SchemasResponse> {
    return this.fail();
  }
  listTables(): Promise<TablesResponse> {
    return this.fail();
  }
  listColumns(): Promise<ColumnsResponse> {
    return this.fail();
  }
  previewStream(): Promise<StreamStats> {
    return this.fail();
  }
  listFiles(): Promise<FilesResponse> {
    return this.fail();
  }
  cloudSchema(): Promise<CloudSchemaResponse> {
    return this.fail();
  }
  testQueryStream(): Promise<StreamStats> {
    return this.fail();
  }
  onDidChange(): ApiDisposable {
    return { dispose: () => undefined };
  }
  async dispose(): Promise<void> {}
}
