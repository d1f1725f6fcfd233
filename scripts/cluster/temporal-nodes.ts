// The Temporal services as separate processes, each the same binary started with `--service X` and
// configured like the server's Docker image: no config file, only the environment (its built-in
// template), with the shared settings from deploy/temporal/server.env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ChildSpec } from './child';
import { DYNAMIC_CONFIG_FILE, DEPLOY_DIR } from './settings';

export type TemporalService = 'frontend' | 'matching' | 'worker' | 'history';

export interface NodePorts {
  grpc: number;
  membership: number;
  metrics: number;
}

export interface TemporalPorts {
  frontend: NodePorts & { http: number };
  matching: NodePorts;
  worker: NodePorts;
  /** One entry per history node. */
  history: NodePorts[];
}

export interface TemporalNode {
  /** e.g. "history-2" */
  name: string;
  service: TemporalService;
  ports: NodePorts;
}

/** KEY=VALUE lines of deploy/temporal/server.env (docker-compose reads the same file as env_file). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`server.env: not KEY=VALUE: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

export function sharedServerEnv(): Record<string, string> {
  return parseEnvFile(readFileSync(path.join(DEPLOY_DIR, 'server.env'), 'utf8'));
}

export function temporalNodes(ports: TemporalPorts): TemporalNode[] {
  return [
    { name: 'frontend', service: 'frontend', ports: ports.frontend },
    { name: 'matching', service: 'matching', ports: ports.matching },
    { name: 'internal-worker', service: 'worker', ports: ports.worker },
    ...ports.history.map((p, i) => ({ name: `history-${i + 1}`, service: 'history' as const, ports: p })),
  ];
}

/**
 * The environment of one node. Every node is told every service's ports (the frontend's address
 * goes into the cluster metadata); the history nodes differ only in their own ports. Nodes find
 * each other through the membership table in PostgreSQL.
 */
export function nodeEnv(node: TemporalNode, ports: TemporalPorts, postgresPort: number): Record<string, string> {
  const history = node.service === 'history' ? node.ports : ports.history[0]!;
  return {
    ...sharedServerEnv(),
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(postgresPort),
    POSTGRES_PWD: '',
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(ports.frontend.grpc),
    FRONTEND_HTTP_PORT: String(ports.frontend.http),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontend.membership),
    MATCHING_GRPC_PORT: String(ports.matching.grpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.matching.membership),
    WORKER_GRPC_PORT: String(ports.worker.grpc),
    WORKER_MEMBERSHIP_PORT: String(ports.worker.membership),
    HISTORY_GRPC_PORT: String(history.grpc),
    HISTORY_MEMBERSHIP_PORT: String(history.membership),
    PROMETHEUS_ENDPOINT: `127.0.0.1:${node.ports.metrics}`,
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
  };
}

export function nodeSpec(node: TemporalNode, ports: TemporalPorts, postgresPort: number, server: string, logDir: string): ChildSpec {
  return {
    name: node.name,
    command: server,
    args: ['--allow-no-auth', 'start', '--service', node.service],
    // PATH and HOME only: a developer's TEMPORAL_* or DB variables must not change the cluster.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...nodeEnv(node, ports, postgresPort) },
    logFile: path.join(logDir, `${node.name}.log`),
  };
}
