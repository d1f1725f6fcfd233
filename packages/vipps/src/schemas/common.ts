import { z } from 'zod';
import { CURRENCIES, IDEMPOTENCY_KEY_MAX, MAX_AMOUNT_MINOR, REFERENCE_PATTERN } from './constants';

/** Wire schemas shared by the Vipps client and the emulator; they follow the official OpenAPI files. */

export { CURRENCIES, IDEMPOTENCY_KEY_MAX, MAX_AMOUNT_MINOR, REFERENCE_PATTERN };
export const Currency = z.enum(CURRENCIES);
export type Currency = z.infer<typeof Currency>;

export const Amount = z.object({
  currency: Currency,
  value: z.int().min(0).max(MAX_AMOUNT_MINOR),
});
export type Amount = z.infer<typeof Amount>;

export const Reference = z.string().regex(REFERENCE_PATTERN, 'must match ^[a-zA-Z0-9-]{8,64}$');
export type Reference = z.infer<typeof Reference>;

export const Msn = z.string().regex(/^[0-9]{4,10}$/, 'must be 4 to 10 digits');

export const IdempotencyKey = z.string().min(1).max(IDEMPOTENCY_KEY_MAX);

/** RFC 3339 date-time as Vipps writes it (with `Z` or an offset). */
export const DateTime = z.iso.datetime({ offset: true });

export const ExtraDetail = z.object({ name: z.string(), reason: z.string() });
export type ExtraDetail = z.infer<typeof ExtraDetail>;

/** RFC 7807 problem as the ePayment API returns it. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().nullish(),
  traceId: z.string(),
  instance: z.string().nullish(),
  extraDetails: z.array(ExtraDetail).nullish(),
});
export type Problem = z.infer<typeof Problem>;

/** The looser problem shape of the Webhooks and Order Management APIs (every field optional). */
export const LooseProblem = z.looseObject({
  type: z.string().nullish(),
  title: z.string().nullish(),
  status: z.int().nullish(),
  detail: z.string().nullish(),
  instance: z.string().nullish(),
  traceId: z.string().nullish(),
  extraDetails: z.array(ExtraDetail).nullish(),
  invalidParams: z.array(ExtraDetail).nullish(),
});
export type LooseProblem = z.infer<typeof LooseProblem>;

/**
 * Minimum amounts per currency, in minor units (ePayment spec, `Amount.value`).
 * SEK/USD/GBP are only accepted for CARD_PASSTHROUGH.
 */
export const MIN_AMOUNT_MINOR: Record<Currency, number> = {
  NOK: 100,
  DKK: 1,
  EUR: 1,
  SEK: 100,
  USD: 1,
  GBP: 1,
};
