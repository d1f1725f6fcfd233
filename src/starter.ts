/**
 * `npm run starter -- [options]`: places an order from the command line through the same order
 * client the HTTP API uses, and prints the redirect URL and workflow id.
 *
 *   --order-id <id>        Vipps reference (default: cli-<timestamp>)
 *   --amount <minor>       total in minor units (default 49900)
 *   --sales-unit <name>    the sales unit of SALES_UNITS_FILE to place it on (required with several)
 *   --currency <NOK|DKK|EUR> (default: the unit's currency, else NOK)
 *   --description <text>   (default "Order from the command line")
 *   --phone <msisdn>       prefill the landing page (sealed before it enters the workflow)
 *   --lines <json>         order lines (Vipps OrderLine[]); default: one line for the whole amount
 *   --return-url <url>     the shop's page to continue to after the payment
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './config';
import { OrderCommandError } from './orders/errors';
import { createOrderClient } from './orders/factory';
import type { OrderClient } from './orders/orderClient';
import { connectClient } from './temporal/connection';

function buildOrder(values: Record<string, string | undefined>, orders: OrderClient): unknown {
  const amount = Number(values.amount ?? '49900');
  const unit = values['sales-unit'] ? orders.units?.registry.get(values['sales-unit']) : orders.salesUnit;
  const currency = values.currency ?? unit?.currency ?? 'NOK';
  const lines = values.lines
    ? (JSON.parse(values.lines) as unknown)
    : [{ id: 'item-1', name: 'Item', totalAmount: amount, totalAmountExcludingTax: Math.round(amount * 0.8), totalTaxAmount: amount - Math.round(amount * 0.8), taxRate: 2500 }];
  return {
    orderId: values['order-id'] ?? `cli-${Date.now()}`,
    ...(values['sales-unit'] && { salesUnit: values['sales-unit'] }),
    amount: { value: amount, currency },
    description: values.description ?? 'Order from the command line',
    orderLines: lines,
    ...(values.phone && { customer: { phoneNumber: values.phone } }),
    ...(values['return-url'] && { returnUrl: values['return-url'] }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'order-id': { type: 'string' },
      'sales-unit': { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      description: { type: 'string' },
      phone: { type: 'string' },
      lines: { type: 'string' },
      'return-url': { type: 'string' },
    },
  });
  const client = await connectClient();
  try {
    const orders = createOrderClient(client);
    const placed = await orders.placeOrder(buildOrder(values, orders));
    console.log(`order:        ${placed.orderId}`);
    if (placed.salesUnit) console.log(`sales unit:   ${placed.salesUnit}`);
    console.log(`workflow id:  ${placed.workflowId}`);
    console.log(`redirect URL: ${placed.redirectUrl}`);
  } finally {
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof OrderCommandError || err instanceof ConfigError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
