/** A TCP port for a test server to listen on. */
import net from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1 (the OS picks it; another process could still take it first).
 *
 * @example
 * const port = await freePort();
 * spawn(process.execPath, ['server.js'], { env: { PORT: String(port) } });
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
