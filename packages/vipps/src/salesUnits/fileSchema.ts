import { z } from 'zod';
import { BRANDS, MARKETS, MARKET_RULES } from './markets';

/**
 * The sales-unit file (SALES_UNITS_FILE): every sales unit one deployment serves, and the key sets
 * they use. Secrets are never written in it: a secret is `{ env: NAME }` or `{ file: PATH }` (a
 * path relative to the file), or a key set says `development: true` for the emulator's credentials
 * (refused against the real Vipps APIs). The service, the worker and the emulator read the same
 * file, so the local stack serves every unit in it.
 */

const SecretRef = z
  .strictObject({
    env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)').optional(),
    file: z.string().min(1).optional(),
  })
  .refine((r) => (r.env === undefined) !== (r.file === undefined), 'must name exactly one of env or file: secrets are never written in this file');
export type SecretRef = z.infer<typeof SecretRef>;

const KeySetEntry = z
  .strictObject({
    /** The emulator's development credentials for this key set (derived from its name). */
    development: z.literal(true).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: SecretRef.optional(),
    subscriptionKey: SecretRef.optional(),
  })
  .superRefine((k, ctx) => {
    if (k.development) {
      for (const f of ['clientId', 'clientSecret', 'subscriptionKey'] as const) {
        if (k[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'is not taken with development: true (the emulator has its own)' });
      }
      return;
    }
    for (const f of ['clientId', 'clientSecret', 'subscriptionKey'] as const) {
      if (k[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'is required (or development: true for the emulator)' });
    }
  });
export type KeySetEntry = z.infer<typeof KeySetEntry>;

export const SALES_UNIT_NAME = /^[a-z][a-z0-9-]{0,31}$/;

const SalesUnitEntry = z.strictObject({
  /** What the shop sends as `salesUnit` and what the unit's routes are under. */
  name: z.string().regex(SALES_UNIT_NAME, 'must be 1 to 32 lower-case letters, digits and -, starting with a letter'),
  msn: z.string().regex(/^[0-9]{4,10}$/, 'must be 4 to 10 digits'),
  market: z.enum(MARKETS),
  /** Defaults to the market's: Vipps in Norway, MobilePay in Denmark and Finland. */
  brand: z.enum(BRANDS).optional(),
  /** Defaults to the market's; any other is refused (Vipps answers 5040). */
  currency: z.enum(['NOK', 'DKK', 'EUR']).optional(),
  /** The name of a key set: several units on one key set is partner mode (the MSN goes with every call). */
  keys: z.string().min(1),
  /**
   * The webhook secret Vipps gave at registration; two during a rotation (the new one first). A
   * file may hold both, one per line: `npm run webhooks:register -- --rotate` rewrites it, and the
   * service reads it again while it runs.
   */
  webhookSecrets: z.array(SecretRef).min(1).max(2).optional(),
  /** Used when Vipps gives no captureGuaranteedUntil; defaults to ORDER_CAPTURE_DEADLINE_DAYS. */
  captureDeadlineDays: z.int().min(1).max(180).optional(),
  captureDeadlinePolicy: z.enum(['hold', 'cancel']).optional(),
  /** false for a unit Vipps makes capture in full (6140): a partial shipment is then refused up front. */
  partialCapture: z.boolean().default(true),
  /** Smallest order amount in minor units; at least the market's. */
  minimumAmount: z.int().positive().optional(),
  /**
   * The unit's orders keep workflow ids `order-<orderId>`: for the unit a one-unit deployment
   * (VIPPS_* variables) served before, so its open orders stay its own. At most one unit.
   */
  unprefixedOrderIds: z.boolean().default(false),
});
export type SalesUnitEntry = z.infer<typeof SalesUnitEntry>;

export const SalesUnitsFile = z
  .strictObject({
    keySets: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and -'), KeySetEntry),
    units: z.array(SalesUnitEntry).min(1).max(100),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    const msns = new Set<string>();
    file.units.forEach((u, i) => {
      if (names.has(u.name)) ctx.addIssue({ code: 'custom', path: ['units', i, 'name'], message: `"${u.name}" is used by another unit` });
      if (msns.has(u.msn)) ctx.addIssue({ code: 'custom', path: ['units', i, 'msn'], message: `${u.msn} is used by another unit` });
      names.add(u.name);
      msns.add(u.msn);
      if (!(u.keys in file.keySets)) ctx.addIssue({ code: 'custom', path: ['units', i, 'keys'], message: `names no key set (known: ${Object.keys(file.keySets).join(', ') || 'none'})` });
      const rules = MARKET_RULES[u.market];
      if (u.currency !== undefined && u.currency !== rules.currency) ctx.addIssue({ code: 'custom', path: ['units', i, 'currency'], message: `must be ${rules.currency} in market ${u.market}` });
      if (u.minimumAmount !== undefined && u.minimumAmount < rules.minimumAmount) ctx.addIssue({ code: 'custom', path: ['units', i, 'minimumAmount'], message: `must be at least ${rules.minimumAmount}, the market's minimum` });
    });
    if (file.units.filter((u) => u.unprefixedOrderIds).length > 1) ctx.addIssue({ code: 'custom', path: ['units'], message: 'at most one unit may have unprefixedOrderIds' });
  });
export type SalesUnitsFile = z.infer<typeof SalesUnitsFile>;
