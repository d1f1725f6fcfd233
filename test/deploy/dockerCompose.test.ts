/**
 * docker-compose.yml is validated here (CI has no Docker engine, only Debian's docker-compose):
 * the file parses, has every part of the stack, keeps the worker scalable, registers exactly the
 * search attributes the workflow uses, runs entry points that exist, and runs the same Temporal
 * cluster as `npm run cluster` (versions, settings, dynamic config and services from deploy/temporal/).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../scripts/process';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes';
import { searchAttributeFlags } from '../../scripts/search-attributes';
import { DEFAULT_PORTS } from '../../scripts/cluster/ports';
import { TEMPORAL_VERSIONS } from '../../scripts/cluster/settings';
import { sharedServerEnv, temporalNodes } from '../../scripts/cluster/temporal-nodes';

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: { context?: string; target?: string };
  command?: string[] | string;
  ports?: unknown[];
  container_name?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: (string | { source?: string; target?: string; read_only?: boolean })[];
}

let services: Record<string, ComposeService>;

beforeAll(async () => {
  await run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT });
  const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT });
  services = (parse(stdout) as { services: Record<string, ComposeService> }).services;
});

const TEMPORAL_NODES = ['temporal-frontend', 'temporal-history-1', 'temporal-history-2', 'temporal-internal-worker', 'temporal-matching'];

test('docker-compose config accepts the file and it holds the whole stack', () => {
  expect(Object.keys(services).sort()).toEqual([
    'emulator', 'postgresql', 'service',
    ...TEMPORAL_NODES, 'temporal-schema', 'temporal-setup', 'temporal-ui',
    'webhook-register', 'worker',
  ].sort());
  for (const name of TEMPORAL_NODES) {
    expect(services[name]?.environment?.DB).toBe('postgres12');
    expect(services[name]?.environment?.POSTGRES_SEEDS).toBe('postgresql');
  }
});

test('the worker can be scaled: no fixed name, no published port', () => {
  expect(services.worker?.container_name).toBeUndefined();
  expect(services.worker?.ports).toBeUndefined();
  expect(services.worker?.depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
});

test('the search attributes registered at start are exactly the workflow\'s', () => {
  const script = ([] as string[]).concat(services['temporal-setup']?.command ?? []).join(' ');
  const expected = searchAttributeFlags(ORDER_SEARCH_ATTRIBUTES).filter((f) => f !== '--search-attribute');
  for (const pair of expected) expect(script).toContain(pair);
  expect(script.match(/\w+=(Keyword|Datetime|KeywordList|Int|Text|Bool|Double)\b/g)).toHaveLength(expected.length);
});

describe('the same Temporal cluster as npm run cluster', () => {
  test('the same server version (deploy/temporal/versions.json) for every Temporal image', () => {
    for (const name of TEMPORAL_NODES) expect(services[name]?.image).toBe(`temporalio/server:${TEMPORAL_VERSIONS.server}`);
    expect(services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${TEMPORAL_VERSIONS.server}`);
    expect(services['temporal-setup']?.image).toBe(`temporalio/admin-tools:${TEMPORAL_VERSIONS.server}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${TEMPORAL_VERSIONS.ui}`);
    expect(JSON.stringify(services['temporal-schema']?.command)).toContain(`postgresql/${TEMPORAL_VERSIONS.postgresqlSchema}/`);
  });

  test('the same settings (deploy/temporal/server.env) on every node', () => {
    const shared = sharedServerEnv();
    expect(shared.NUM_HISTORY_SHARDS).toBe('16');
    for (const name of TEMPORAL_NODES) expect(services[name]?.environment).toEqual(expect.objectContaining(shared));
  });

  test('the same dynamic config file (deploy/temporal/dynamicconfig.yaml), mounted where the nodes read it', () => {
    for (const name of TEMPORAL_NODES) {
      const target = services[name]?.environment?.DYNAMIC_CONFIG_FILE_PATH;
      expect(target).toBeDefined();
      const mounts = (services[name]?.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
      expect(mounts).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`deploy/temporal/dynamicconfig\\.yaml:${target}(:ro)?$`))]));
    }
  });

  test('the same services: frontend, matching, internal worker and two history nodes', () => {
    const composeServices = TEMPORAL_NODES.map((name) => services[name]?.environment?.TEMPORAL_SERVICES).sort();
    expect(composeServices).toEqual(temporalNodes(DEFAULT_PORTS.temporal).map((n) => n.service).sort());
  });
});

test('the app services run entry points that the build produces, from the production image', () => {
  for (const name of ['worker', 'service', 'webhook-register']) {
    expect(services[name]?.build).toEqual(expect.objectContaining({ target: 'app' }));
    expect(services[name]?.image).toBe('vipps-temporal-orders:local');
    const command = ([] as string[]).concat(services[name]?.command ?? []).join(' ');
    const entry = /lib\/([\w/]+)\.js/.exec(command)?.[1];
    expect(entry).toBeDefined();
    expect(existsSync(join(ROOT, 'src', `${entry}.ts`))).toBe(true);
  }
});

test('the emulator runs from its own image (the Dockerfile\'s emulator stage), not the production one', () => {
  const emulator = services.emulator;
  expect(emulator?.build).toEqual(expect.objectContaining({ target: 'emulator' }));
  expect(emulator?.image).not.toBe(services.service?.image);
  const script = ([] as string[]).concat(emulator?.command ?? []).find((arg) => arg.endsWith('.js'));
  expect(script).toBe('packages/vipps-emulator/bin/vipps-emulator.js');
  expect(existsSync(join(ROOT, script!))).toBe(true);
});

test('the service reads the webhook secret the registration writes, and the emulator may call it over http', () => {
  expect(services.service?.environment?.VIPPS_WEBHOOK_SECRET_FILE).toBe('/secrets/webhook-secret');
  expect(([] as string[]).concat(services['webhook-register']?.command ?? []).join(' ')).toContain('--secret-file /secrets/webhook-secret');
  expect(services.emulator?.environment?.EMULATOR_WEBHOOK_HTTP_HOSTS).toBe('service');
  expect(services.worker?.environment?.VIPPS_WEBHOOK_URL).toBe('http://service:3000/webhooks/vipps');
});
