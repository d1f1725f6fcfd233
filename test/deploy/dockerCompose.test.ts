/**
 * docker-compose.yml is validated here (CI has no Docker engine, only Debian's docker-compose):
 * the file parses, has every part of the stack, keeps the worker scalable, registers exactly the
 * search attributes the workflow uses, runs entry points that exist, and runs the same Temporal
 * cluster as `npm run cluster` (versions, settings, dynamic config and services from deploy/temporal/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../scripts/process';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/messages/searchAttributes';
import { searchAttributeFlags } from '../../scripts/search-attributes';
import { DEFAULT_PORTS } from '../../scripts/cluster/ports';
import { TEMPORAL_VERSIONS } from '../../scripts/cluster/settings';
import { sharedServerEnv, temporalNodes } from '../../scripts/cluster/temporal-nodes';
import { loadMetricsConfig } from '../../src/observability/metricsConfig';
import { loadCodecServerConfig, PUBLISHED_CODEC_SECRETS } from '../../src/security/codecServerConfig';

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

/** The variables the file requires (no default secret), with values of the right shape, and nothing else from this shell. */
const REQUIRED = { CODEC_SERVER_TOKEN: 'test-codec-token-0123456789abcdefghijkl', CODEC_UI_KEY: 'test-ui-codec-key-0123456789' };
const composeEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...extra });

beforeAll(async () => {
  await run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env: composeEnv(REQUIRED) });
  const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, env: composeEnv(REQUIRED) });
  services = (parse(stdout) as { services: Record<string, ComposeService> }).services;
});

describe('safe by default', () => {
  test.each(Object.keys(REQUIRED))('without %s, docker-compose config fails naming it', async (name) => {
    const without = Object.fromEntries(Object.entries(REQUIRED).filter(([k]) => k !== name));
    const failure = await run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env: composeEnv(without) }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).toContain(`set ${name}`);
  });

  test('no codec secret has a default in the file, and the ones it once had are refused against Vipps', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/CODEC_(SERVER_TOKEN|UI_KEY):-/);
    for (const published of PUBLISHED_CODEC_SECRETS) expect(text).not.toContain(published);
  });

  test('the demo shop is off, and the service and the codec server publish on 127.0.0.1 only', () => {
    expect(services.service?.environment?.DEMO_SHOP).toBe('false');
    const published = (name: string) => (services[name]?.ports ?? []).map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
    expect(published('service')).toEqual(['127.0.0.1:3000:3000/tcp']);
    expect(published('codec-server')).toEqual(['127.0.0.1:8234:8234/tcp']);
  });

  test('the codec server and the UI use the configured key, not a known one', () => {
    expect(services['codec-server']?.environment?.CODEC_SERVER_TOKEN).toBe(REQUIRED.CODEC_SERVER_TOKEN);
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:8234/codec/ui/${REQUIRED.CODEC_UI_KEY}`);
  });
});

/** What the production profile requires, each with a value of the right shape. */
const PRODUCTION_REQUIRED = {
  ...REQUIRED,
  VIPPS_BASE_URL: 'https://apitest.vipps.no',
  VIPPS_CLIENT_ID: 'prod-client-id',
  VIPPS_CLIENT_SECRET: 'prod-client-secret',
  VIPPS_SUBSCRIPTION_KEY: 'prod-subscription-key',
  VIPPS_MSN: '654321',
  PII_SEALING_KEY: 'prod-pii-sealing-key-0123456789abcdef',
  PAYLOAD_ENCRYPTION_KEYS: 'prod-1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  REQUEST_FINGERPRINT_SECRET: 'prod-fingerprint-secret-0123456789abcdef',
  PUBLIC_URL: 'https://shop.example.com',
  VIPPS_WEBHOOK_URL: 'https://shop.example.com/webhooks/vipps',
  POSTGRES_PASSWORD: 'prod-postgres-password',
  ORDER_API_KEY: 'prod-order-api-key-0123456789abcdef',
  PAGE_SECRET: 'prod-page-secret-0123456789abcdef',
  GRAFANA_ADMIN_PASSWORD: 'prod-grafana-password',
};
const PRODUCTION_FILES = ['-f', 'docker-compose.yml', '-f', 'docker-compose.production.yml'];

describe('the production profile (docker-compose.production.yml)', () => {
  let production: Record<string, ComposeService & { profiles?: string[] }>;
  beforeAll(async () => {
    // DEMO_SHOP=true in the shell must not turn the demo shop on.
    const { stdout } = await run('docker-compose', [...PRODUCTION_FILES, 'config'], { cwd: ROOT, env: composeEnv({ ...PRODUCTION_REQUIRED, DEMO_SHOP: 'true' }) });
    production = (parse(stdout) as { services: typeof production }).services;
  });

  test.each(Object.keys(PRODUCTION_REQUIRED))('without %s, docker-compose config fails naming it', async (name) => {
    const without = Object.fromEntries(Object.entries(PRODUCTION_REQUIRED).filter(([k]) => k !== name));
    const failure = await run('docker-compose', [...PRODUCTION_FILES, 'config', '-q'], { cwd: ROOT, env: composeEnv(without) }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).toContain(`set ${name}`);
  });

  test('has no demo shop and no emulator: the emulator is only in the local-trial profile, and nothing depends on it', () => {
    expect(production.service?.environment?.DEMO_SHOP).toBe('false');
    expect(production.emulator?.profiles).toEqual(['local-trial']);
    const profiled = Object.entries(production).filter(([, s]) => s.profiles?.length).map(([name]) => name);
    expect(profiled).toEqual(['emulator']);
    const onEmulator = Object.entries(production).filter(([, s]) => Object.keys(s.depends_on ?? {}).includes('emulator')).map(([name]) => name);
    expect(onEmulator).toEqual([]);
  });

  test('the app talks to the Vipps host it is given, with the secrets it is given', () => {
    for (const name of ['worker', 'service', 'webhook-register']) {
      const env = production[name]?.environment ?? {};
      expect({ name, base: env.VIPPS_BASE_URL, secret: env.VIPPS_CLIENT_SECRET, pii: env.PII_SEALING_KEY }).toEqual({
        name,
        base: PRODUCTION_REQUIRED.VIPPS_BASE_URL,
        secret: PRODUCTION_REQUIRED.VIPPS_CLIENT_SECRET,
        pii: PRODUCTION_REQUIRED.PII_SEALING_KEY,
      });
    }
    expect(production.service?.environment?.ORDER_API_KEY).toBe(PRODUCTION_REQUIRED.ORDER_API_KEY);
    expect(production.postgresql?.environment?.POSTGRES_PASSWORD).toBe(PRODUCTION_REQUIRED.POSTGRES_PASSWORD);
    expect(production['temporal-frontend']?.environment?.POSTGRES_PWD).toBe(PRODUCTION_REQUIRED.POSTGRES_PASSWORD);
  });
});

test('the webhook registration waits for the Vipps API instead of depending on the emulator', () => {
  expect(Object.keys(services['webhook-register']?.depends_on ?? {})).not.toContain('emulator');
  expect(([] as string[]).concat(services['webhook-register']?.command ?? []).join(' ')).toMatch(/registerWebhook\.js .*--wait \d+/);
});

const TEMPORAL_NODES = ['temporal-frontend', 'temporal-history-1', 'temporal-history-2', 'temporal-internal-worker', 'temporal-matching'];

test('docker-compose config accepts the file and it holds the whole stack', () => {
  expect(Object.keys(services).sort()).toEqual([
    'codec-server', 'emulator', 'grafana', 'postgresql', 'prometheus', 'service',
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
  for (const name of ['worker', 'service', 'webhook-register', 'codec-server']) {
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

describe('observability: Prometheus, its alerts and Grafana', () => {
  interface ScrapeConfig {
    job_name: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; type: string; port: number }[];
  }
  const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: ScrapeConfig[]; rule_files: string[] };
  const job = (name: string) => prometheus.scrape_configs.find((c) => c.job_name === name);
  const defaults = loadMetricsConfig({});

  test('Prometheus scrapes the service and every worker replica on the ports the code listens on, and the Temporal nodes', () => {
    expect(job('order-service')?.static_configs?.[0]?.targets).toEqual([`service:${defaults.servicePort}`]);
    expect(job('order-worker')?.dns_sd_configs?.[0]).toEqual({ names: ['worker'], type: 'A', port: defaults.workerPort });
    const temporalTargets = job('temporal')?.static_configs?.[0]?.targets ?? [];
    for (const name of TEMPORAL_NODES) {
      expect(services[name]?.environment?.PROMETHEUS_ENDPOINT).toBe('0.0.0.0:9090');
      expect(temporalTargets).toContain(`${name}:9090`);
    }
    // The app listens for scrapers on all interfaces inside the network.
    for (const name of ['service', 'worker']) expect(services[name]?.environment?.METRICS_HOST).toBe('0.0.0.0');
  });

  test('Prometheus and Grafana get their files from deploy/', () => {
    const mounts = (name: string) => (services[name]?.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(mounts('prometheus')).toEqual(expect.arrayContaining([expect.stringMatching(/deploy\/prometheus\/prometheus\.yml:\/etc\/prometheus\/prometheus\.yml/), expect.stringMatching(/deploy\/prometheus\/alerts\.yml:\/etc\/prometheus\/alerts\.yml/)]));
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(mounts('grafana')).toEqual(expect.arrayContaining([expect.stringMatching(/deploy\/grafana\/provisioning:\/etc\/grafana\/provisioning/), expect.stringMatching(/deploy\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards/)]));
  });

  test('the paging alerts are there, on metrics the code exports', () => {
    const rules = (parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] }).groups.flatMap((g) => g.rules);
    const paging = Object.fromEntries(rules.filter((r) => r.labels.severity === 'page').map((r) => [r.alert, r.expr]));
    expect(Object.keys(paging)).toEqual(expect.arrayContaining(['OrdersNeedAttention', 'OrderOutcomeUnknown', 'CaptureFailed', 'WebhookSignatureFailures', 'WorkflowTaskScheduleToStartHigh']));
    expect(paging.OrdersNeedAttention).toContain('orders_open{status="NEEDS_ATTENTION"}');
    expect(paging.OrderOutcomeUnknown).toContain('order_alerts_open{alert="OUTCOME_UNKNOWN"}');
    expect(paging.CaptureFailed).toContain('order_alerts_open{alert="CAPTURE_FAILED"}');
    expect(paging.WebhookSignatureFailures).toContain('order_webhooks_total{outcome="bad_signature"}');
    expect(paging.WorkflowTaskScheduleToStartHigh).toContain('temporal_workflow_task_schedule_to_start_latency_bucket');
  });

  test('the provisioned dashboard reads the provisioned data source and only metrics the code exports', () => {
    const source = (parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; url: string }[] }).datasources[0];
    expect(source).toEqual(expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' }));
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/vipps-orders.json'), 'utf8')) as { panels: { datasource: { uid: string }; targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => {
      expect(p.datasource.uid).toBe(source!.uid);
      return p.targets.map((t) => t.expr);
    });
    const known = /^(orders_open|order_alerts_open|settlement_findings_total|order_webhooks_total|order_commands_total|http_server_request_duration_seconds_(bucket|count)|vipps_api_requests_total|vipps_api_request_duration_seconds_bucket|temporal_[a-z_]+)$/;
    const metrics = exprs.flatMap((e) => [...e.matchAll(/\b([a-z_]+)(?=[{[])/g)].map((m) => m[1]!)).filter((m) => !['rate', 'sum', 'max', 'by', 'histogram_quantile'].includes(m));
    expect(metrics.length).toBeGreaterThan(10);
    for (const m of metrics) expect(m).toMatch(known);
  });
});

test('the Temporal UI decodes payloads through the codec server, with the key the codec server accepts', () => {
  const codec = services['codec-server']?.environment ?? {};
  const config = loadCodecServerConfig(codec);
  expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${config.port}/codec/ui/${config.uiKey}`);
  expect(config.corsOrigins).toEqual(['http://localhost:8233']);
  // The same payload keys as the worker and the service.
  expect(codec.PAYLOAD_ENCRYPTION_KEYS).toBe(services.worker?.environment?.PAYLOAD_ENCRYPTION_KEYS);
});
