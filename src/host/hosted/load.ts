import type * as hostedModule from '../../core/hosted/module';

/** The hosted workspace's code, loaded on first use. The build points this import at dist/hosted.js. */
export type HostedModule = typeof hostedModule;

export function loadHosted(): Promise<HostedModule> {
  return import('../../core/hosted/module');
}
