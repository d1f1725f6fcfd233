import { join } from 'node:path';
import { developmentKeySet, loadSalesUnitsFile, PhoneNumberError, SalesUnitRegistry, SalesUnitsError, toMsisdn } from '../src/salesUnits';

const EXAMPLE = join(__dirname, '../../../deploy/sales-units.example.yaml');

function load(files: Record<string, string>, env: Record<string, string> = {}, path = '/etc/units.yaml') {
  return loadSalesUnitsFile(path, {
    env,
    readFile: (p) => {
      if (!(p in files)) throw new Error('ENOENT');
      return files[p]!;
    },
  });
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SalesUnitsError);
    return (err as Error).message;
  }
  throw new Error('expected a SalesUnitsError');
}

describe('the sales-unit file', () => {
  test('the example file holds no, dk and fi with their market currency, brand and development keys', () => {
    const units = loadSalesUnitsFile(EXAMPLE, { env: {} });
    expect(units.map((u) => [u.name, u.market, u.currency, u.brand, u.keySet.development])).toEqual([
      ['no', 'NO', 'NOK', 'VIPPS', true],
      ['dk', 'DK', 'DKK', 'MOBILEPAY', true],
      ['fi', 'FI', 'EUR', 'MOBILEPAY', true],
    ]);
    expect(new Set(units.map((u) => u.msn)).size).toBe(3);
    expect(new Set(units.map((u) => u.keySet.clientSecret)).size).toBe(3);
  });

  test('secrets come from the named variable or a file beside it, and a missing one is named', () => {
    const yaml = [
      'keySets:',
      '  live: { clientId: abc, clientSecret: { env: NO_SECRET }, subscriptionKey: { file: sub.txt } }',
      'units:',
      '  - { name: no-web, msn: "654321", market: NO, keys: live, webhookSecrets: [{ env: NO_HOOK_NEW }, { env: NO_HOOK_OLD }] }',
    ].join('\n');
    const [unit] = load({ '/etc/units.yaml': yaml, '/etc/sub.txt': 'the-sub-key\n' }, { NO_SECRET: 's3cret', NO_HOOK_NEW: 'new', NO_HOOK_OLD: 'old' });
    expect(unit!.keySet).toEqual({ name: 'live', clientId: 'abc', clientSecret: 's3cret', subscriptionKey: 'the-sub-key', development: false });
    expect(unit!.webhookSecrets).toEqual(['new', 'old']);
    expect(problem(() => load({ '/etc/units.yaml': yaml }, { NO_HOOK_NEW: 'x', NO_HOOK_OLD: 'y' }))).toBe(
      '/etc/units.yaml:\n  keySets.live.clientSecret: environment variable NO_SECRET is not set\n  keySets.live.subscriptionKey: /etc/sub.txt cannot be read',
    );
  });

  test('a webhook-secret file may hold two secrets (a rotation) and may not exist yet; a key file holds exactly one', () => {
    const yaml = [
      'keySets:',
      '  live: { clientId: abc, clientSecret: { file: client.txt }, subscriptionKey: { env: SUB } }',
      'units:',
      '  - { name: dk, msn: "223456", market: DK, keys: live, webhookSecrets: [{ file: hooks/dk.txt }] }',
      '  - { name: fi, msn: "323456", market: FI, keys: live, webhookSecrets: [{ file: /run/fi-hook }] }',
    ].join('\n');
    const files: Record<string, string> = { '/etc/units.yaml': yaml, '/etc/client.txt': 'cs\n', '/etc/hooks/dk.txt': 'new\r\nold\n\n' };
    const readFile = (p: string): string => {
      if (p in files) return files[p]!;
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    };
    const [dk, fi] = loadSalesUnitsFile('/etc/units.yaml', { env: { SUB: 'sub' }, readFile });
    expect(dk!.webhookSecrets).toEqual(['new', 'old']);
    expect(dk!.webhookSecretRefs).toEqual([{ file: '/etc/hooks/dk.txt' }]);
    // Not registered yet: the unit refuses webhooks until npm run webhooks:register writes the file.
    expect(fi!.webhookSecrets).toEqual([]);
    expect(fi!.webhookSecretRefs).toEqual([{ file: '/run/fi-hook' }]);
    files['/etc/client.txt'] = 'one\ntwo\n';
    expect(() => loadSalesUnitsFile('/etc/units.yaml', { env: { SUB: 'sub' }, readFile })).toThrow('keySets.live.clientSecret: /etc/client.txt holds 2 lines; give one secret');
  });

  test('a secret written inline is refused, naming the field', () => {
    const yaml = 'keySets:\n  k: { clientId: a, clientSecret: "plain", subscriptionKey: { env: X } }\nunits:\n  - { name: no, msn: "1234", market: NO, keys: k }';
    expect(problem(() => load({ '/etc/units.yaml': yaml }, { X: 'x' }))).toContain('keySets.k.clientSecret:');
  });

  test.each([
    ['a currency that is not the market’s', 'currency: NOK', 'units.0.currency: must be DKK in market DK'],
    ['an unknown key set', 'keys: nope', 'units.0.keys: names no key set (known: dev)'],
    ['a minimum below the market’s', 'minimumAmount: 0', 'units.0.minimumAmount:'],
    ['an unknown field', 'colour: red', 'units.0.colour: is not a known field'],
  ])('%s is refused, naming the field', (_name, extra, message) => {
    const yaml = `keySets:\n  dev: { development: true }\nunits:\n  - { name: dk, msn: "2234", market: DK, keys: ${extra.startsWith('keys') ? extra.slice(6) : 'dev'}${extra.startsWith('keys') ? '' : `, ${extra}`} }`;
    expect(problem(() => load({ '/etc/units.yaml': yaml }))).toContain(message);
  });

  test('two units with one name or one MSN, or two keeping unprefixed order ids, are refused', () => {
    const yaml = [
      'keySets: { dev: { development: true } }',
      'units:',
      '  - { name: no, msn: "1234", market: NO, keys: dev, unprefixedOrderIds: true }',
      '  - { name: no, msn: "1234", market: NO, keys: dev, unprefixedOrderIds: true }',
    ].join('\n');
    const message = problem(() => load({ '/etc/units.yaml': yaml }));
    expect(message).toContain('units.1.name: "no" is used by another unit');
    expect(message).toContain('units.1.msn: 1234 is used by another unit');
    expect(message).toContain('units: at most one unit may have unprefixedOrderIds');
  });

  test('a file that is not YAML or JSON says so', () => {
    expect(problem(() => load({ '/etc/units.json': '{ nope' }, {}, '/etc/units.json'))).toMatch(/^\/etc\/units\.json: is not valid JSON/);
  });

  test('development key sets are the same wherever they are derived, and differ by name', () => {
    expect(developmentKeySet('dk')).toEqual(developmentKeySet('dk'));
    expect(developmentKeySet('dk').clientId).not.toBe(developmentKeySet('fi').clientId);
    expect(developmentKeySet('dk').clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('the registry finds a unit by name and by MSN; only a one-unit deployment has an implicit unit', () => {
    const units = loadSalesUnitsFile(EXAMPLE, { env: {} });
    const registry = new SalesUnitRegistry(units);
    expect(registry.get('dk')?.currency).toBe('DKK');
    expect(registry.byMsn(units[2]!.msn)?.name).toBe('fi');
    expect(registry.implicit).toBeUndefined();
    expect(new SalesUnitRegistry([units[0]!]).implicit?.name).toBe('no');
  });
});

describe('phone numbers per market', () => {
  test.each([
    ['NO', '+47 912 34 567', '4791234567'],
    ['NO', '004791234567', '4791234567'],
    ['NO', '91234567', '4791234567'],
    ['NO', '4791234567', '4791234567'],
    ['NO', '47123456', '4747123456'],
    ['DK', '+45 21 23 45 67', '4521234567'],
    ['DK', '21234567', '4521234567'],
    ['FI', '040 123 4567', '358401234567'],
    ['FI', '+358 50 1234567', '358501234567'],
  ] as const)('%s %s becomes %s', (market, input, msisdn) => {
    expect(toMsisdn(input, market)).toBe(msisdn);
  });

  test.each([
    ['NO', '+45 21 23 45 67', 'must be a NO number (country code +47)'],
    ['NO', '12345678', 'is not a NO mobile number'],
    ['DK', '912345', 'is not a DK mobile number'],
    ['FI', '+4791234567', 'must be a FI number (country code +358)'],
    ['NO', '9123abcd', 'must contain only digits'],
  ] as const)('%s refuses %s', (market, input, message) => {
    expect(() => toMsisdn(input, market)).toThrow(PhoneNumberError);
    expect(() => toMsisdn(input, market)).toThrow(message);
  });
});
