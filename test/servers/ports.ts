/** Ports for the servers the tests start (named and pdns_server cannot take port 0 themselves). */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A port free for both TCP and UDP on 127.0.0.1 right now. */
export async function freeTcpUdpPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}
