import * as net from 'node:net';

/**
 * A loopback TCP proxy that counts the bytes the server sends to the client, so a test can prove how
 * much of a result crossed the wire without trusting the code under test.
 */
export class CountingProxy {
  serverToClientBytes = 0;
  /** PostgreSQL DataRow messages the server sent (one per row), when parsing was asked for. */
  pgDataRows = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(targetHost: string, targetPort: number, parsePostgres: boolean) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(targetPort, targetHost);
      this.sockets.add(client).add(upstream);
      // Server-to-client PostgreSQL messages are a type byte and a length that counts itself.
      let pending: Buffer = Buffer.alloc(0);
      upstream.on('data', (chunk: Buffer) => {
        this.serverToClientBytes += chunk.length;
        if (!parsePostgres) return;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let at = 0;
        while (pending.length - at >= 5) {
          const length = pending.readInt32BE(at + 1);
          if (pending.length - at < 1 + length) break;
          if (pending[at] === 0x44) this.pgDataRows++;
          at += 1 + length;
        }
        pending = pending.subarray(at);
      });
      client.pipe(upstream);
      upstream.pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }

  static async start(
    targetHost: string,
    targetPort: number,
    options: { parsePostgres?: boolean } = {},
  ): Promise<{ proxy: CountingProxy; port: number }> {
    const proxy = new CountingProxy(targetHost, targetPort, options.parsePostgres === true);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return { proxy, port: (proxy.server.address() as net.AddressInfo).port };
  }

  reset(): void {
    this.serverToClientBytes = 0;
    this.pgDataRows = 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface LoopbackServer {
  port: number;
  /** Connections the server still holds open (the client has not closed them). */
  openSockets(): number;
  close(): Promise<void>;
}

/** Listens on a free loopback port; close() also ends every socket the handler added to `sockets`. */
export async function listenOnLoopback(server: net.Server, sockets: Set<net.Socket>): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    openSockets: () => [...sockets].filter((s) => !s.destroyed && !s.readableEnded).length,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections and never says a word: a server that hangs during the handshake. */
export async function startSilentServer(): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read and discard, so the peer closing is seen
    socket.on('end', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  return listenOnLoopback(server, sockets);
}
