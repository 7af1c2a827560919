import { createSocket } from 'node:dgram';

/** A UDP port free on 127.0.0.1 right now (bound, read, released), for a heartbeat under test. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
