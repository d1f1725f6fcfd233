// Runs a real Temporal dev server: proves the jest harness works and that the dev-server scripts
// register the project's search attributes, fill gaps, refuse busy ports and leave no process behind.
import net from 'node:net';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startDevServer } from '../../scripts/dev-server';
import { run } from '../../scripts/process';
import { ensureSearchAttributes, parseCustomSearchAttributes } from '../../scripts/search-attributes';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { startTestTemporal, type TestTemporal } from '../support/temporalServer';

const { IndexedValueType } = temporal.api.enums.v1;

// Written out rather than derived from ORDER_SEARCH_ATTRIBUTES, so a changed key or type is noticed.
const EXPECTED_TYPES = {
  OrderStatus: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  VippsReference: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  CaptureDeadline: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  OrderAlerts: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  OrderAmountMinor: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

describe('test harness (startTestTemporal)', () => {
  let temporalServer: TestTemporal;

  beforeAll(async () => {
    temporalServer = await startTestTemporal();
  });

  afterAll(async () => {
    await temporalServer?.teardown();
  });

  it('starts a server that answers', async () => {
    const info = await temporalServer.env.connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(temporalServer.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('registers the order search attributes with their types', async () => {
    const { customAttributes } = await temporalServer.env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(customAttributes).toMatchObject(EXPECTED_TYPES);
  });

  it('ensureSearchAttributes creates a missing key once and rejects a type conflict', async () => {
    const { cliPath, address } = temporalServer;
    const extra = defineSearchAttributeKey('HarnessProbe', SearchAttributeType.BOOL);

    expect(await ensureSearchAttributes(cliPath, address, 'default', [extra])).toEqual(['HarnessProbe']);
    expect(await ensureSearchAttributes(cliPath, address, 'default', [extra])).toEqual([]);
    const { customAttributes } = await temporalServer.env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(customAttributes?.HarnessProbe).toBe(IndexedValueType.INDEXED_VALUE_TYPE_BOOL);

    const clash = defineSearchAttributeKey('OrderStatus', SearchAttributeType.INT);
    await expect(ensureSearchAttributes(cliPath, address, 'default', [clash])).rejects.toThrow('OrderStatus is KEYWORD on the server but INT in code');
  });

  it('startDevServer refuses a port another server holds', async () => {
    const port = Number(temporalServer.address.split(':')[1]);
    await expect(startDevServer({ binary: temporalServer.cliPath, port, headless: true, output: 'ignore' })).rejects.toThrow('already in use');
  });
});

describe('startDevServer (used by npm run temporal)', () => {
  it('serves the namespace with the search attributes and stops without leaving a process', async () => {
    const port = await freePort();
    const server = await startDevServer({ port, headless: true, namespace: 'orders-test', output: 'ignore' });
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.uiUrl).toBeUndefined();
      // The CLI registers them at namespace creation, so nothing is left for ensureSearchAttributes.
      expect(server.createdSearchAttributes).toEqual([]);
      const { stdout } = await run(await ensureTemporalCli(), ['operator', 'search-attribute', 'list', '--address', server.address, '--namespace', 'orders-test', '-o', 'json']);
      const registered = parseCustomSearchAttributes(stdout);
      expect(Object.fromEntries([...registered].filter(([name]) => name in EXPECTED_TYPES))).toEqual({
        OrderStatus: 'KEYWORD',
        VippsReference: 'KEYWORD',
        CaptureDeadline: 'DATETIME',
        OrderAlerts: 'KEYWORD_LIST',
        OrderAmountMinor: 'INT',
      });
    } finally {
      await server.stop();
    }
    expect(isAlive(server.pid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
