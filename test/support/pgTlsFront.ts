import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { listenOnLoopback, type LoopbackServer } from './tcpProxy';

export interface TestCa {
  dir: string;
  caFile: string;
  key: string;
  cert: string;
}

/** A throwaway CA and a server certificate for `localhost` only (not 127.0.0.1), made with openssl. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-ca-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Planasonix Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  );
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(path.join(dir, 'server.pem'), 'utf8'),
  };
}

const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * A TLS front for a PostgreSQL server that has TLS off: it answers the client's SSLRequest with 'S',
 * terminates TLS with the test CA's certificate, and relays the decrypted protocol to the real server.
 */
export async function startPgTlsFront(ca: TestCa, target: { host: string; port: number }): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('error', () => undefined);
    raw.once('data', (first: Buffer) => {
      if (!first.subarray(0, 8).equals(sslRequest)) {
        raw.end(Buffer.from('N'));
        return;
      }
      raw.write(Buffer.from('S'));
      const secure = new tls.TLSSocket(raw, { isServer: true, key: ca.key, cert: ca.cert });
      secure.on('error', () => raw.destroy());
      const upstream = net.connect(target.port, target.host);
      sockets.add(upstream);
      upstream.on('error', () => secure.destroy());
      secure.pipe(upstream);
      upstream.pipe(secure);
      secure.on('close', () => upstream.destroy());
      upstream.on('close', () => secure.destroy());
    });
  });
  return listenOnLoopback(server, sockets);
}
