import * as net from 'node:net';

/**
 * A hostile PostgreSQL server: it accepts any startup, asks for the password in clear text
 * (AuthenticationCleartextPassword) and records what it is sent. Used to prove a saved password is
 * not sent to a target the user has not confirmed.
 */
export class PasswordProbe {
  readonly passwords: string[] = [];
  connections = 0;
  private constructor(private readonly server: net.Server) {}

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  static async start(): Promise<PasswordProbe> {
    const server = net.createServer();
    const probe = new PasswordProbe(server);
    server.on('connection', (socket) => probe.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return probe;
  }

  private serve(socket: net.Socket): void {
    this.connections++;
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103) {
            socket.write('N'); // no TLS here
            continue;
          }
          started = true;
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5); // cleartext password, please
          socket.write(ask);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        if (buffer[0] === 0x70) this.passwords.push(buffer.subarray(5, 1 + length - 1).toString('utf8'));
        buffer = buffer.subarray(1 + length);
        const fields = Buffer.from('SFATAL\0C28P01\0Mprobe refuses everyone\0\0', 'utf8');
        const error = Buffer.alloc(5);
        error.write('E', 0);
        error.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([error, fields]));
        return;
      }
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
