/**
 * Everything of the hosted workspace the extension loads only once the user signs in (or was signed in):
 * the HTTP client, the API implementations, sign-in, sync and polling. The build bundles this file on
 * its own (dist/hosted.js), so none of it is loaded at activation for a user who never signs in.
 */
export { DeviceFlow, HostedSession } from './auth';
export { HostedConnectionsApi } from './hostedConnectionsApi';
export { connectorRoles } from './connectorRoles';
export { HostedCredentialsApi } from './hostedCredentialsApi';
export { HostedHttp } from './httpClient';
export { SyncJournal } from '../sync/journal';
export { WorkspacePoller } from '../sync/poller';
export { WorkspaceSync } from '../sync/workspaceSync';
