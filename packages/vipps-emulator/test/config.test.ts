import { EMULATOR_DEFAULT_CREDENTIALS, EmulatorConfigError, loadEmulatorConfig } from '../src/config';

describe('emulator configuration', () => {
  test('without variables it listens on 4010 and accepts the development credentials', () => {
    const c = loadEmulatorConfig({});
    expect(c.port).toBe(4010);
    expect(c.publicUrl).toBe('http://localhost:4010');
    expect(c.credentials).toEqual(EMULATOR_DEFAULT_CREDENTIALS);
  });

  test('accepted credentials come from the VIPPS_* variables a client sends', () => {
    const c = loadEmulatorConfig({ VIPPS_CLIENT_ID: 'id-1', VIPPS_CLIENT_SECRET: 'secret-1', VIPPS_SUBSCRIPTION_KEY: 'key-1', VIPPS_MSN: '98765' });
    expect(c.credentials).toEqual({ clientId: 'id-1', clientSecret: 'secret-1', subscriptionKey: 'key-1', msn: '98765' });
  });

  test('bad values name the variable; empty ones count as unset', () => {
    expect(() => loadEmulatorConfig({ EMULATOR_PORT: 'x' })).toThrow(EmulatorConfigError);
    expect(() => loadEmulatorConfig({ EMULATOR_PORT: 'x' })).toThrow(/Invalid emulator configuration:\n {2}EMULATOR_PORT: /);
    expect(() => loadEmulatorConfig({ VIPPS_MSN: 'abc' })).toThrow(/VIPPS_MSN: must be 4 to 10 digits/);
    expect(loadEmulatorConfig({ EMULATOR_PORT: '', VIPPS_MSN: '' })).toEqual(loadEmulatorConfig({}));
  });

  test('a --port override wins over EMULATOR_PORT and sets the default public URL', () => {
    const c = loadEmulatorConfig({ EMULATOR_PORT: '5000' }, { port: 6000 });
    expect(c.port).toBe(6000);
    expect(c.publicUrl).toBe('http://localhost:6000');
  });
});
