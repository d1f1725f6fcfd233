/**
 * `npm run webhooks:register [-- <options>]`: registers, checks or rotates this service's Vipps
 * webhooks, one per sales unit (SALES_UNITS_FILE) or the one of a one-unit deployment (VIPPS_*).
 *
 *   (no option)        register every unit's URL; its secret goes to the unit's secret file, or is printed
 *   --replace          delete an existing registration first (deliveries fail until the service has the new secret)
 *   --rotate           change the secret with no delivery refused (register new, service takes both, delete old)
 *   --check            exactly one registration per unit with the order events, and the secret accepted (probe)
 *   --unit <name>      only this unit (repeatable)
 *   --url <url>        one-unit deployment: the URL to register (default VIPPS_WEBHOOK_URL or PUBLIC_URL + /webhooks/vipps)
 *   --secret-file <p>  one-unit deployment: where to write the secret (default VIPPS_WEBHOOK_SECRET_FILE)
 *   --skip-probe       --check without sending a probe to the service
 *   --probe-timeout <s> how long --rotate waits for the service to accept the new secret (default 60)
 *   --grace <s>        how long --rotate keeps both registrations after that, for the other replicas (default 5)
 *   --wait <s>         first wait this long at most for the Vipps API to accept connections (default 0)
 *
 * Vipps shows a secret only once, so an existing registration is replaced only with --replace.
 */
import { parseArgs } from 'node:util';
import { VippsApiError, VippsClient } from '@vipps-orders/vipps';
import { ConfigError, loadServiceConfig, loadVippsConfig } from './config';
import { webhookUrl } from './http/app';
import { unitWebhookUrl } from './http/webhooks/webhookRoutes';
import { clientConfigFor, loadSalesUnits } from './salesUnits/unitConfig';
import { checkWebhook, registerWebhook, RotationError, rotateWebhook, waitForVipps, type WebhookTarget } from './webhookAdmin/registration';
import { readSecretFileLines, webhookSecretFileOf, writeSecretFile } from './webhookAdmin/secretFile';


type Env = Record<string, string | undefined>;

const OPTIONS = {
  replace: { type: 'boolean', default: false },
  rotate: { type: 'boolean', default: false },
  check: { type: 'boolean', default: false },
  unit: { type: 'string', multiple: true },
  url: { type: 'string' },
  'secret-file': { type: 'string' },
  'skip-probe': { type: 'boolean', default: false },
  'probe-timeout': { type: 'string', default: '60' },
  grace: { type: 'string', default: '5' },
  wait: { type: 'string', default: '0' },
} as const;

/** The receivers to act on, from the same configuration the service reads. */
export function webhookTargets(env: Env, only: readonly string[] = [], overrides: { url?: string; secretFile?: string } = {}): WebhookTarget[] {
  const service = loadServiceConfig(env);
  const units = loadSalesUnits(env);
  if (!units.fromFile) {
    if (only.length > 0) throw new ConfigError(`--unit needs SALES_UNITS_FILE; this deployment has one unit`);
    const secretFile = overrides.secretFile ?? service.webhookSecretFile;
    const secrets = secretFile ? readSecretFileLines(secretFile) : service.webhookSecret ? [service.webhookSecret] : [];
    return [{ unit: 'default', url: overrides.url ?? webhookUrl(service), vipps: new VippsClient(loadVippsConfig(env)), ...(secretFile && { secretFile }), secrets }];
  }
  if (overrides.url || overrides.secretFile) throw new ConfigError('--url and --secret-file are for a one-unit deployment; with SALES_UNITS_FILE each unit has its URL and its webhookSecrets');
  const unknown = only.filter((name) => !units.registry.get(name));
  if (unknown.length > 0) throw new ConfigError(`--unit: no sales unit ${unknown.join(', ')} in SALES_UNITS_FILE (units: ${units.registry.names().join(', ')})`);
  return units.registry.units
    .filter((unit) => only.length === 0 || only.includes(unit.name))
    .map((unit) => {
      const secretFile = webhookSecretFileOf(unit);
      return { unit: unit.name, url: unitWebhookUrl(webhookUrl(service), unit.name), vipps: new VippsClient(clientConfigFor(units, unit)), ...(secretFile && { secretFile }), secrets: unit.webhookSecrets };
    });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: OPTIONS });
  const modes = [values.replace, values.rotate, values.check].filter(Boolean).length;
  if (modes > 1) throw new ConfigError('choose one of --replace, --rotate and --check');
  const probeTimeout = Number(values['probe-timeout']);
  if (!Number.isFinite(probeTimeout) || probeTimeout <= 0) throw new ConfigError('--probe-timeout: must be a positive number of seconds');
  const grace = Number(values.grace);
  if (!Number.isFinite(grace) || grace < 0) throw new ConfigError('--grace: must be a number of seconds, 0 or more');
  const wait = Number(values.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new ConfigError('--wait: must be a number of seconds, 0 or more');
  const targets = webhookTargets(process.env, values.unit ?? [], { ...(values.url && { url: values.url }), ...(values['secret-file'] && { secretFile: values['secret-file'] }) });
  let failed = 0;
  for (const target of targets) {
    if (wait > 0) await waitForVipps(target.vipps, wait, (line) => console.error(`${target.unit}: ${line}`));
    if (values.check) {
      const result = await checkWebhook(target, { probe: !values['skip-probe'] });
      if (result.problems.length === 0) console.error(`${target.unit}: ok (${target.url}, registration ${result.registrations[0]})`);
      for (const problem of result.problems) console.error(`${target.unit}: ${problem}`);
      if (result.problems.length > 0) failed += 1;
    } else if (values.rotate) {
      await rotateWebhook(target, { probeTimeoutMs: probeTimeout * 1000, graceMs: grace * 1000, log: (line) => console.error(line) });
    } else {
      const result = await registerWebhook(target.vipps, target.url, values.replace);
      if (result.replaced.length) console.error(`${target.unit}: deleted the earlier registration(s): ${result.replaced.join(', ')}`);
      console.error(`${target.unit}: registered ${target.url} for the order events (id ${result.id})`);
      if (target.secretFile) {
        writeSecretFile(target.secretFile, [result.secret]);
        console.error(`${target.unit}: secret written to ${target.secretFile}`);
      } else {
        console.error(`${target.unit}: store this secret where the service reads it (${targets.length > 1 ? `the unit's webhookSecrets reference` : 'VIPPS_WEBHOOK_SECRET'}):`);
        console.log(targets.length > 1 ? `${target.unit}\t${result.secret}` : result.secret);
      }
    }
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const known = err instanceof VippsApiError || err instanceof ConfigError || err instanceof RotationError;
      console.error(`error: ${known || err instanceof Error ? (err as Error).message : String(err)}`);
      process.exit(1);
    },
  );
}
