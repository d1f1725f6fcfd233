/**
 * Plain values of the Vipps APIs, with no zod behind them: workflow code needs a few of them, and
 * anything a workflow imports is instantiated again for every workflow a worker keeps in memory.
 */

export const CURRENCIES = ['NOK', 'DKK', 'EUR', 'SEK', 'USD', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const MAX_AMOUNT_MINOR = 65_000_000;

export const REFERENCE_PATTERN = /^[a-zA-Z0-9-]{8,64}$/;

export const IDEMPOTENCY_KEY_MAX = 50;

export const PAYMENT_STATES = ['CREATED', 'ABORTED', 'EXPIRED', 'AUTHORIZED', 'TERMINATED'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const PAYMENT_EVENT_NAMES = ['CREATED', 'ABORTED', 'EXPIRED', 'CANCELLED', 'CAPTURED', 'REFUNDED', 'AUTHORIZED', 'TERMINATED'] as const;
export type PaymentEventName = (typeof PAYMENT_EVENT_NAMES)[number];
