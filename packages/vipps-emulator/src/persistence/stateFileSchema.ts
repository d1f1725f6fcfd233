import { z } from 'zod';
import {
  Amount,
  DateTime,
  OrderCategory,
  PaymentEventName,
  PaymentMethodType,
  PaymentState,
  PaymentType,
  Receipt,
  UserFlow,
} from '@vipps-orders/vipps/schemas';
import { OPERATION_NAMES } from '../http/routeConfig';
import { type Payment } from '../payments/paymentMachine';
import { type ScopedIdempotencyRecord } from '../state/idempotencyStore';
import { type SettlementSnapshot } from '../settlement/settlementBook';
import { type LedgerEntry } from '../state/ledger';
import { type KeyedOrderRecord } from '../state/orderStore';
import { type WebhookRegistration } from '../webhooks/registrations';
import { StoredSettlement } from './settlementSchema';

/**
 * The emulator's state file, version 1: one JSON object written whole (temp file + rename).
 * Times the domain keeps as epoch milliseconds stay numbers; event timestamps stay ISO strings.
 * A new version must get a new literal here and a migration (or a clear refusal) in the reader.
 */
export const STATE_FILE_VERSION = 1;

/** What is saved. The zod schema below must produce exactly this, which `parseStateFile` checks at compile time. */
export interface StateFileContent {
  version: typeof STATE_FILE_VERSION;
  savedAt: string;
  /** HS256 key of the access tokens, base64url. As secret as the client secret. */
  accessTokenKey: string;
  /** Oldest first, each with its whole event log. */
  payments: Payment[];
  idempotency: ScopedIdempotencyRecord[];
  /** With their HMAC secrets: deliveries after a restart must verify with the secret the shop holds. */
  webhooks: WebhookRegistration[];
  orders: KeyedOrderRecord[];
  /** In sequence order. */
  ledger: LedgerEntry[];
  /** The Report API's ledgers; absent in files from before they existed (then rebuilt from `ledger`). */
  settlement?: SettlementSnapshot;
}

const EpochMs = z.number().int().nonnegative();
const NonEmpty = z.string().min(1);

const PaymentEventRecord = z.object({
  name: PaymentEventName,
  pspReference: z.string().regex(/^\d+$/, 'must be a numeric string'),
  amount: Amount,
  timestamp: DateTime,
  success: z.boolean(),
  idempotencyKey: z.string().nullable(),
});

const PaymentDetails = z.object({
  userFlow: UserFlow,
  paymentMethodType: PaymentMethodType,
  returnUrl: z.string().optional(),
  paymentDescription: z.string().optional(),
  customerPhoneNumber: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  profileScope: z.string().optional(),
  redirectUrl: z.string().optional(),
  landingToken: z.string().optional(),
  hasReceipt: z.boolean(),
});

const StoredPayment = z.object({
  msn: NonEmpty,
  reference: NonEmpty,
  amount: Amount,
  state: PaymentState,
  pspReference: NonEmpty,
  details: PaymentDetails,
  createdAt: EpochMs,
  expiresAt: EpochMs,
  authorizedAt: EpochMs.optional(),
  captureGuaranteedUntil: EpochMs.optional(),
  capturedValue: z.int().nonnegative(),
  cancelledValue: z.int().nonnegative(),
  refundedValue: z.int().nonnegative(),
  cancelled: z.boolean(),
  sub: z.string().optional(),
  events: z.array(PaymentEventRecord).min(1),
});

const StoredApiResponse = z.object({
  status: z.int().min(100).max(599),
  contentType: z.string().optional(),
  body: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const StoredIdempotencyRecord = z.object({
  msn: NonEmpty,
  key: NonEmpty,
  record: z.object({
    operation: z.enum(OPERATION_NAMES),
    reference: NonEmpty,
    bodyHash: NonEmpty,
    response: StoredApiResponse,
  }),
});

const StoredWebhook = z.object({
  id: NonEmpty,
  msn: NonEmpty,
  url: NonEmpty,
  events: z.array(NonEmpty),
  secret: NonEmpty,
  createdAt: EpochMs,
});

const StoredOrder = z.object({
  msn: NonEmpty,
  paymentType: PaymentType,
  orderId: NonEmpty,
  receipt: Receipt.optional(),
  category: OrderCategory.optional(),
});

const StoredLedgerEntry = z.object({
  seq: z.int().positive(),
  kind: z.enum(['authorize', 'capture', 'cancel', 'refund']),
  msn: NonEmpty,
  reference: NonEmpty,
  amount: Amount,
  idempotencyKey: z.string().nullable(),
  pspReference: NonEmpty,
  at: DateTime,
});

export const StateFileV1 = z.object({
  version: z.literal(STATE_FILE_VERSION),
  savedAt: DateTime,
  accessTokenKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url'),
  payments: z.array(StoredPayment),
  idempotency: z.array(StoredIdempotencyRecord),
  webhooks: z.array(StoredWebhook),
  orders: z.array(StoredOrder),
  ledger: z.array(StoredLedgerEntry),
  settlement: StoredSettlement.optional(),
});
