import { EMULATOR_DEFAULT_CREDENTIALS, type EmulatorConfig, EmulatorConfigError, loadEmulatorConfig } from './config';
import { startEmulator } from './server';

/**
 * `vipps-emulator [--port <n>]` (the package's bin; `npm run emulator` in this repository): runs
 * the Vipps MobilePay emulator until SIGINT/SIGTERM.
 * The port comes from --port, else EMULATOR_PORT, else 4010. Secrets are never printed: for the
 * client secret and subscription key it only says whether the development defaults are in use.
 */

const USAGE = 'Usage: vipps-emulator [--port <n>]   (here: npm run emulator -- --port <n>; or set EMULATOR_PORT; 0 picks a free port)';

class UsageError extends Error {}

export function parsePortArgument(args: readonly string[]): number | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--port') {
      value = args[i + 1];
      if (value === undefined) throw new UsageError('--port needs a value');
      i++;
    } else if (arg.startsWith('--port=')) {
      value = arg.slice('--port='.length);
    } else if (arg === '--help' || arg === '-h') {
      throw new UsageError('');
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

function describeCredentials(config: EmulatorConfig): string[] {
  const c = config.credentials;
  const source = (isDefault: boolean, variable: string) => (isDefault ? 'emulator default' : `from ${variable}`);
  return [
    `  Client id:         ${c.clientId} (${source(c.clientId === EMULATOR_DEFAULT_CREDENTIALS.clientId, 'VIPPS_CLIENT_ID')})`,
    `  Client secret:     ${source(c.clientSecret === EMULATOR_DEFAULT_CREDENTIALS.clientSecret, 'VIPPS_CLIENT_SECRET')} (not shown)`,
    `  Subscription key:  ${source(c.subscriptionKey === EMULATOR_DEFAULT_CREDENTIALS.subscriptionKey, 'VIPPS_SUBSCRIPTION_KEY')} (not shown)`,
    `  MSN:               ${c.msn} (${source(c.msn === EMULATOR_DEFAULT_CREDENTIALS.msn, 'VIPPS_MSN')})`,
  ];
}

async function main(args: readonly string[]): Promise<void> {
  let config: EmulatorConfig;
  try {
    const port = parsePortArgument(args);
    config = loadEmulatorConfig(process.env, port === undefined ? {} : { port });
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) console.error(`Error: ${err.message}`);
      console.error(USAGE);
      process.exit(err.message ? 1 : 0);
    }
    if (err instanceof EmulatorConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const running = await startEmulator(config);
  console.log(
    [
      `Vipps MobilePay emulator listening on ${running.url}`,
      `  Point the client at it:  VIPPS_BASE_URL=${running.url}`,
      `  Landing pages:           ${running.publicUrl}/landing?token=…`,
      `  Control API:             ${running.url}/_emulator/health (reset, payments, ledger, ledgers, faults, webhook-deliveries)`,
      config.stateFile
        ? `  State file:              ${config.stateFile} (loaded at start, saved on changes and at shutdown)`
        : '  State:                   in memory only (set EMULATOR_STATE_FILE to keep it across restarts)',
      'Accepted credentials:',
      ...describeCredentials(config),
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function runEmulatorCommand(args: readonly string[] = process.argv.slice(2)): void {
  main(args).catch((err: unknown) => {
    console.error('Emulator failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

if (require.main === module) runEmulatorCommand();
