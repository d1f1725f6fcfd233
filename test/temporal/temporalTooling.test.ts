// Unit tests for the pure parts of the Temporal tooling: CLI flags derived from the search
// attribute list, search attribute reconciliation, and the binary provenance check.
import { SearchAttributeType } from '@temporalio/common';
import { devServerArgs, resolveDevServerOptions } from '../../scripts/dev-server';
import {
  cliSearchAttributeType,
  parseCustomSearchAttributes,
  planSearchAttributes,
  searchAttributeFlags,
} from '../../scripts/search-attributes';
import { checkBuildInfo, parseGoBuildInfo, sdkDownloadUrl } from '../../scripts/temporal-cli';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/messages/searchAttributes';

describe('search attribute flags', () => {
  it('derives one --search-attribute Name=Type pair per order search attribute', () => {
    expect(searchAttributeFlags()).toEqual([
      '--search-attribute', 'OrderStatus=Keyword',
      '--search-attribute', 'VippsReference=Keyword',
      '--search-attribute', 'CaptureDeadline=Datetime',
      '--search-attribute', 'OrderAlerts=KeywordList',
      '--search-attribute', 'OrderAmountMinor=Int',
      '--search-attribute', 'SalesUnit=Keyword',
      '--search-attribute', 'Market=Keyword',
    ]);
  });

  it('maps every SDK type to the spelling `temporal server start-dev` accepts', () => {
    const mapped = Object.values(SearchAttributeType).map((type) => [type, cliSearchAttributeType(type)]);
    expect(Object.fromEntries(mapped)).toEqual({
      TEXT: 'Text',
      KEYWORD: 'Keyword',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    });
  });
});

describe('search attribute reconciliation', () => {
  const listed = JSON.stringify({
    customAttributes: { OrderStatus: 'INDEXED_VALUE_TYPE_KEYWORD', OrderAmountMinor: 'INDEXED_VALUE_TYPE_TEXT' },
    systemAttributes: { WorkflowId: 'INDEXED_VALUE_TYPE_KEYWORD' },
  });

  it('reads only custom attributes from `operator search-attribute list -o json`', () => {
    expect([...parseCustomSearchAttributes(listed)]).toEqual([
      ['OrderStatus', 'KEYWORD'],
      ['OrderAmountMinor', 'TEXT'],
    ]);
  });

  it('plans creation of missing keys grouped by type and reports type conflicts', () => {
    const plan = planSearchAttributes(parseCustomSearchAttributes(listed), ORDER_SEARCH_ATTRIBUTES);
    expect(Object.fromEntries(plan.create)).toEqual({
      Keyword: ['VippsReference', 'SalesUnit', 'Market'],
      Datetime: ['CaptureDeadline'],
      KeywordList: ['OrderAlerts'],
    });
    expect(plan.conflicts).toEqual(['OrderAmountMinor is TEXT on the server but INT in code']);
  });

  it('plans nothing when everything is registered', () => {
    const existing = new Map(ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, key.type]));
    const plan = planSearchAttributes(existing, ORDER_SEARCH_ATTRIBUTES);
    expect(plan.create.size).toBe(0);
    expect(plan.conflicts).toEqual([]);
  });
});

describe('dev server arguments', () => {
  it('persists to SQLite in WAL mode, disables the version check and registers the search attributes', () => {
    const args = devServerArgs(resolveDevServerOptions({ port: 7300, dbFile: '/tmp/x/dev.sqlite' })).join(' ');
    expect(args).toContain('server start-dev --ip 127.0.0.1 --port 7300 --ui-port 8300 --namespace default --log-level warn');
    expect(args).toContain('--dynamic-config-value frontend.enableServerVersionCheck=false');
    expect(args).toContain('--db-filename /tmp/x/dev.sqlite --sqlite-pragma journal_mode=WAL');
    expect(args).toContain(searchAttributeFlags().join(' '));
  });

  it('runs in memory and without UI when asked', () => {
    const args = devServerArgs(resolveDevServerOptions({ headless: true }));
    expect(args).toContain('--headless');
    expect(args).not.toContain('--ui-port');
    expect(args).not.toContain('--db-filename');
  });
});

describe('Temporal CLI provenance check', () => {
  const official = [
    '/x/temporal: go1.26.8',
    '\tpath\tgithub.com/temporalio/cli/cmd/temporal',
    '\tmod\tgithub.com/temporalio/cli\tv1.9.1\t',
    '\tdep\tcel.dev/expr\tv0.25.2\th1:K6j46C81hXtZQfuX60cVWQFBJahKSE2gfRbNuvr5bFs=',
    '\tbuild\t-ldflags="-s -w -X github.com/temporalio/cli/internal/temporalcli.Version=1.9.1"',
    '\tbuild\tCGO_ENABLED=0',
    '\tbuild\tvcs.revision=1de87a9f26991bf4f5c0a5ff96f2cea8d7a3cbde',
    '\tbuild\tvcs.time=2026-09-14T18:16:43Z',
    '\tbuild\tvcs.modified=false',
  ].join('\n');

  it('parses `go version -m` output', () => {
    const info = parseGoBuildInfo(official);
    expect(info.goVersion).toBe('go1.26.8');
    expect(info.path).toBe('github.com/temporalio/cli/cmd/temporal');
    expect(info.mod).toEqual({ path: 'github.com/temporalio/cli', version: 'v1.9.1' });
    expect(info.settings['vcs.modified']).toBe('false');
    expect(info.settings['-ldflags']).toBe('"-s -w -X github.com/temporalio/cli/internal/temporalcli.Version=1.9.1"');
  });

  it('accepts the official build', () => {
    expect(checkBuildInfo(parseGoBuildInfo(official), '1.9.1', true).every((c) => c.ok)).toBe(true);
  });

  it.each([
    ['a locally modified tree', official.replace('vcs.modified=false', 'vcs.modified=true')],
    ['another module', official.replace('mod\tgithub.com/temporalio/cli', 'mod\tgithub.com/evil/cli')],
    ['another main package', official.replace('path\tgithub.com/temporalio/cli/cmd/temporal', 'path\tgithub.com/temporalio/cli/cmd/other')],
    ['another version', official.replace('v1.9.1', 'v1.9.0')],
    ['a cgo build', official.replace('CGO_ENABLED=0', 'CGO_ENABLED=1')],
    ['a binary without VCS stamp', official.replace('\tbuild\tvcs.modified=false', '')],
  ])('rejects %s', (_, buildInfo) => {
    expect(checkBuildInfo(parseGoBuildInfo(buildInfo), '1.9.1', true).some((c) => !c.ok)).toBe(true);
  });

  it('does not require a VCS stamp for a `go install` build from the module proxy', () => {
    const goInstalled = official.replace(/v1\.9\.1/g, 'v1.5.1').replace(/\tbuild\tvcs\..*\n?/g, '');
    expect(checkBuildInfo(parseGoBuildInfo(goInstalled), '1.5.1', false).every((c) => c.ok)).toBe(true);
  });
});

describe('the SDK-style download fallback', () => {
  test('asks temporal.download for the same archive @temporalio/testing 1.24 fetches', () => {
    expect(sdkDownloadUrl('linux', 'x64')).toBe('https://temporal.download/cli/default?arch=amd64&platform=linux&format=tar.gz&sdk-name=sdk-typescript&sdk-version=1.24.0');
    expect(sdkDownloadUrl('darwin', 'arm64')).toContain('arch=arm64&platform=darwin&format=tar.gz');
  });
});
