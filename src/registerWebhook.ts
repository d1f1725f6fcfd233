/**
 * `npm run webhooks:register [-- --replace] [-- --url <url>] [-- --secret-file <path>]`: registers
 * this service's webhook URL (VIPPS_WEBHOOK_URL, default PUBLIC_URL + /webhooks/vipps) for the
 * ePayment events with the configured Vipps environment and prints the secret to store as
 * VIPPS_WEBHOOK_SECRET (or writes it to a file for VIPPS_WEBHOOK_SECRET_FILE). Vipps shows a
 * secret only once, so an existing registration for the URL is replaced only with --replace.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PAYMENT_WEBHOOK_EVENTS, VippsApiError, VippsClient } from '@vipps-orders/vipps';
import { ConfigError, loadServiceConfig, loadVippsConfig } from './config';
import { webhookUrl } from './http/app';

/** Every payment event but `created`, which tells an order nothing it does not know. */
export const ORDER_WEBHOOK_EVENTS = PAYMENT_WEBHOOK_EVENTS.filter((e) => e !== 'epayments.payment.created.v1');

export async function registerWebhook(vipps: VippsClient, url: string, replace: boolean): Promise<{ id: string; secret: string; replaced: string[] }> {
  const existing = (await vipps.listWebhooks()).webhooks.filter((w) => w.url === url);
  if (existing.length > 0 && !replace) {
    throw new Error(`${url} is already registered (id ${existing.map((w) => w.id).join(', ')}); its secret cannot be read again. Rerun with --replace to register anew.`);
  }
  for (const w of existing) await vipps.deleteWebhook(w.id);
  const created = await vipps.registerWebhook({ url, events: [...ORDER_WEBHOOK_EVENTS] });
  return { ...created, replaced: existing.map((w) => w.id) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { replace: { type: 'boolean', default: false }, url: { type: 'string' }, 'secret-file': { type: 'string' } } });
  const vippsConfig = loadVippsConfig();
  const url = values.url ?? webhookUrl(loadServiceConfig());
  const result = await registerWebhook(new VippsClient(vippsConfig), url, values.replace ?? false);
  if (result.replaced.length) console.error(`deleted the earlier registration(s): ${result.replaced.join(', ')}`);
  console.error(`registered ${url} with ${vippsConfig.baseUrl} for ${ORDER_WEBHOOK_EVENTS.length} events (id ${result.id})`);
  if (values['secret-file']) {
    writeFileSync(values['secret-file'], `${result.secret}\n`, { mode: 0o600 });
    console.error(`secret written to ${values['secret-file']} (use it as VIPPS_WEBHOOK_SECRET_FILE)`);
    return;
  }
  console.error('store this secret as VIPPS_WEBHOOK_SECRET for the service:');
  console.log(result.secret);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof VippsApiError || err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
