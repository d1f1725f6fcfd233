// Every port the cluster uses. `npm run cluster` takes fixed ones (the frontend on the usual 7233,
// so every tool's default works); the failover test and the benchmark take free ones, so they can
// run next to a developer's stack.
import { canListen } from '../ports';
import { type TemporalPorts } from './temporal-nodes';

export { isListening } from '../ports';

export interface ClusterPorts {
  postgres: number;
  temporal: TemporalPorts;
  service: number;
  emulator: number;
  ui: number;
}

export const DEFAULT_PORTS: ClusterPorts = {
  // Not 5432: that belongs to a system PostgreSQL if the machine has one running.
  postgres: 55432,
  temporal: {
    frontend: { grpc: 7233, http: 7243, membership: 6933, metrics: 9090 },
    matching: { grpc: 7235, membership: 6935, metrics: 9091 },
    worker: { grpc: 7239, membership: 6939, metrics: 9092 },
    history: [
      { grpc: 7234, membership: 6934, metrics: 9093 },
      { grpc: 7244, membership: 6944, metrics: 9094 },
    ],
  },
  service: 3000,
  emulator: 4010,
  ui: 8233,
};

/**
 * Free ports for every entry, all distinct. Temporal's nodes get ports below 32768: the membership
 * table in PostgreSQL keeps them as smallint, and the kernel's ephemeral ports lie above that.
 */
export async function freePorts(historyNodes: number): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await canListen(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const node = async () => ({ grpc: await next(), membership: await next(), metrics: await next() });
  const temporal: TemporalPorts = {
    frontend: { ...(await node()), http: await next() },
    matching: await node(),
    worker: await node(),
    history: [],
  };
  for (let i = 0; i < historyNodes; i++) temporal.history.push(await node());
  return { postgres: await next(), temporal, service: await next(), emulator: await next(), ui: await next() };
}

export function allPorts(p: ClusterPorts): number[] {
  const t = p.temporal;
  return [
    p.postgres,
    ...[t.frontend, t.matching, t.worker, ...t.history].flatMap((n) => [n.grpc, n.membership, n.metrics]),
    t.frontend.http,
    p.service,
    p.emulator,
    p.ui,
  ];
}

