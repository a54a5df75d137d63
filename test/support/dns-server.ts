import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

/**
 * A real DNS server on loopback (UDP, dns-packet for the wire format) that answers TXT queries from a
 * table the test changes as it goes; every other name is NXDOMAIN. Queried through node:dns's Resolver
 * pointed at it, so the code under test does a genuine DNS exchange.
 */
export async function startDnsServer(): Promise<{
  server: string;
  txt: Map<string, string[][]>;
  close(): Promise<void>;
}> {
  const txt = new Map<string, string[][]>();
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    const records = q && q.type === 'TXT' ? txt.get(q.name.toLowerCase()) : undefined;
    const answer = dnsPacket.encode({
      id: query.id,
      type: 'response',
      // NXDOMAIN (rcode 3) when the name has no TXT record here
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (records ? 0 : 3),
      questions: query.questions ?? [],
      answers: (records ?? []).map((strings) => ({
        type: 'TXT' as const,
        name: q?.name ?? '',
        class: 'IN' as const,
        ttl: 60,
        data: strings,
      })),
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    txt,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
