import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port nobody listens on right now, for a server a test starts a little later.
 * @returns the port number
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
