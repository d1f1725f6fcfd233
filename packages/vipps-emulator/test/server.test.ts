import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadEmulatorConfig } from '../src/config';
import { parsePortArgument } from '../src/main';
import { resolvePublicUrl, startEmulator } from '../src/server';
import { control, credentialHeaders, httpRequest, startTestEmulator, VippsTestClient } from './support/emulator';

const PACKAGE_ROOT = join(__dirname, '..');

describe('startEmulator', () => {
  it('listens on the port the OS picked and hands out landing URLs with that port', async () => {
    const config = { ...loadEmulatorConfig({ EMULATOR_LOG_LEVEL: 'silent' }, { port: 0 }) };
    const running = await startEmulator(config);
    try {
      expect(running.port).toBeGreaterThan(0);
      expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
      expect(running.publicUrl).toBe(`http://localhost:${running.port}`);
      const vipps = await VippsTestClient.connect({ url: running.url, config });
      const created = await vipps.createPayment();
      expect((created.body as { redirectUrl: string }).redirectUrl.startsWith(`http://localhost:${running.port}/landing?token=`)).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('keeps an explicit EMULATOR_PUBLIC_URL', async () => {
    const config = loadEmulatorConfig({ EMULATOR_LOG_LEVEL: 'silent', EMULATOR_PUBLIC_URL: 'https://emulator.example:8443/' }, { port: 0 });
    const running = await startEmulator(config);
    try {
      expect(running.publicUrl).toBe('https://emulator.example:8443');
    } finally {
      await running.close();
    }
  });

  it('resolvePublicUrl replaces only a port-0 placeholder', () => {
    expect(resolvePublicUrl('http://localhost:0', 5123)).toBe('http://localhost:5123');
    expect(resolvePublicUrl('http://localhost:4010', 5123)).toBe('http://localhost:4010');
    expect(resolvePublicUrl('https://pay.example', 5123)).toBe('https://pay.example');
  });
});

describe('logging', () => {
  it('never writes credentials, tokens or phone numbers to the log, even at trace level', async () => {
    const lines: string[] = [];
    const emu = await startTestEmulator({ logLevel: 'trace' }, { logStream: { write: (line) => lines.push(line) } });
    try {
      const vipps = await VippsTestClient.connect(emu);
      const created = await vipps.createPayment({ customer: { phoneNumber: '4791234567' } });
      const redirect = new URL((created.body as { redirectUrl: string }).redirectUrl);
      await httpRequest(emu.url, 'GET', `${redirect.pathname}${redirect.search}`);
      await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: { ...credentialHeaders(emu.config), client_secret: 'wrong-secret' } });
      await control(emu, 'GET', '/health');
      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(5);
      expect(log).toContain('/epayment/v1/payments');
      for (const secret of [
        emu.config.credentials.clientSecret,
        emu.config.credentials.subscriptionKey,
        'wrong-secret',
        vipps.token,
        '4791234567',
        redirect.searchParams.get('token') ?? 'no-token',
      ]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await emu.close();
    }
  });
});

describe('parsePortArgument', () => {
  it('reads --port n and --port=n, and nothing when absent', () => {
    expect(parsePortArgument(['--port', '5000'])).toBe(5000);
    expect(parsePortArgument(['--port=0'])).toBe(0);
    expect(parsePortArgument([])).toBeUndefined();
  });

  it.each([[['--port', 'x']], [['--port=70000']], [['--port']], [['--verbose']]])('refuses %j', (args) => {
    expect(() => parsePortArgument(args)).toThrow();
  });
});

function runMain(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'vipps-emulator.js'), ...args], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? '', EMULATOR_LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('the vipps-emulator command (bin/vipps-emulator.js, npm run emulator)', () => {
  it('exits 1 with a message naming a bad environment variable', async () => {
    const run = runMain({ EMULATOR_CURRENCY: 'SEK' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('EMULATOR_CURRENCY');
  }, 20_000);

  it('prints where it listens and the credentials it accepts without secrets, and stops on SIGTERM', async () => {
    const run = runMain({ VIPPS_CLIENT_SECRET: 'super-secret-value', VIPPS_SUBSCRIPTION_KEY: 'secret-sub-key' }, ['--port', '0']);
    const deadline = Date.now() + 15_000;
    while (!run.output().stdout.includes('MSN:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { stdout } = run.output();
    expect(stdout).toMatch(/Vipps MobilePay emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('/landing?token=');
    expect(stdout).toContain('/_emulator/health');
    expect(stdout).toContain('123456');
    expect(stdout).toContain('from VIPPS_CLIENT_SECRET');
    expect(stdout).not.toContain('super-secret-value');
    expect(stdout).not.toContain('secret-sub-key');
    const url = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1] ?? '';
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 20_000);
});
