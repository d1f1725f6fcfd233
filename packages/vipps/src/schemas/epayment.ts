import { z } from 'zod';
import { Amount, DateTime, Msn, Reference } from './common';
import { PAYMENT_EVENT_NAMES, PAYMENT_STATES } from './constants';
import { Receipt } from './receipt';

export { PAYMENT_EVENT_NAMES, PAYMENT_STATES };

/** ePayment API v1 request and response bodies (spec 1.8.1, plus the Aug 2026 changelog fields). */

export const PaymentState = z.enum(PAYMENT_STATES);
export type PaymentState = z.infer<typeof PaymentState>;

export const PaymentEventName = z.enum(PAYMENT_EVENT_NAMES);
export type PaymentEventName = z.infer<typeof PaymentEventName>;

export const USER_FLOWS = ['PUSH_MESSAGE', 'NATIVE_REDIRECT', 'WEB_REDIRECT', 'QR'] as const;
export const UserFlow = z.enum(USER_FLOWS);
export type UserFlow = z.infer<typeof UserFlow>;

export const PaymentMethodType = z.enum(['WALLET', 'CARD', 'CARD_PASSTHROUGH']);
export type PaymentMethodType = z.infer<typeof PaymentMethodType>;

export const PhoneNumber = z.string().regex(/^\d{9,15}$/, 'must be an MSISDN of 9 to 15 digits, e.g. 4712345678');

/** `Customer` is a oneOf: exactly one of phoneNumber, personalQr, customerToken. */
export const Customer = z
  .object({
    phoneNumber: PhoneNumber.optional(),
    personalQr: z.string().min(5).max(255).optional(),
    customerToken: z.string().min(1).optional(),
  })
  .refine((c) => [c.phoneNumber, c.personalQr, c.customerToken].filter((v) => v !== undefined).length === 1, {
    message: 'exactly one of phoneNumber, personalQr or customerToken must be given',
  });
export type Customer = z.infer<typeof Customer>;

export const Metadata = z.record(z.string(), z.string()).nullish();

export const PaymentMethod = z.object({
  type: PaymentMethodType,
  blockedSources: z.array(z.enum(['COMMERCIAL_CARDS'])).optional(),
});

export const ProfileRequest = z.object({ scope: z.string().optional() });

export const QrFormat = z.object({
  format: z.enum(['TEXT/TARGETURL', 'IMAGE/SVG+XML', 'IMAGE/PNG']),
  size: z.int().min(100).max(2000).nullish(),
});

export const AirlineData = z.object({
  agencyInvoiceNumber: z.string().min(1).max(6),
  airlineCode: z.string().length(3),
  airlineDesignatorCode: z.string().length(2),
  passengerName: z.string().min(1).max(49),
  ticketNumber: z.string().min(1).max(150).optional(),
});

export const CreatePaymentRequest = z.object({
  amount: Amount,
  paymentMethod: PaymentMethod,
  reference: Reference,
  userFlow: UserFlow,
  customer: Customer.optional(),
  returnUrl: z.string().min(1).max(2500).optional(),
  paymentDescription: z.string().min(3).max(100).optional(),
  receipt: Receipt.optional(),
  receiptUrl: z.string().nullish(),
  metadata: Metadata,
  expiresAt: DateTime.nullish(),
  customerInteraction: z.enum(['CUSTOMER_PRESENT', 'CUSTOMER_NOT_PRESENT']).optional(),
  minimumUserAge: z.int().min(0).max(100).nullish(),
  profile: ProfileRequest.optional(),
  qrFormat: QrFormat.nullish(),
  industryData: z.object({ airlineData: AirlineData.optional() }).optional(),
});
export type CreatePaymentRequest = z.infer<typeof CreatePaymentRequest>;

export const CreatePaymentResponse = z.object({
  redirectUrl: z.url().optional(),
  reference: Reference,
});
export type CreatePaymentResponse = z.infer<typeof CreatePaymentResponse>;

export const Aggregate = z.object({
  authorizedAmount: Amount,
  cancelledAmount: Amount,
  capturedAmount: Amount,
  refundedAmount: Amount,
});
export type Aggregate = z.infer<typeof Aggregate>;

export const GetPaymentResponse = z.object({
  aggregate: Aggregate,
  amount: Amount,
  state: PaymentState,
  paymentMethod: z.object({ type: PaymentMethodType, cardBin: z.string().optional() }),
  profile: z.object({ sub: z.string().optional() }),
  pspReference: z.string(),
  reference: Reference,
  redirectUrl: z.url().optional(),
  metadata: Metadata,
  /** Not in the 1.8.1 spec copy; documented in the Aug 2026 changelog. */
  captureGuaranteedUntil: DateTime.nullish(),
});
export type GetPaymentResponse = z.infer<typeof GetPaymentResponse>;

export const PaymentEvent = z.object({
  reference: Reference,
  pspReference: z.string(),
  name: PaymentEventName,
  amount: Amount,
  timestamp: DateTime,
  idempotencyKey: z.string().max(50).nullish(),
  success: z.boolean(),
});
export type PaymentEvent = z.infer<typeof PaymentEvent>;

export const PaymentEventLog = z.array(PaymentEvent);

export const ModificationResponse = z.object({
  amount: Amount,
  state: PaymentState,
  aggregate: Aggregate,
  pspReference: z.string(),
  reference: Reference,
});
export type ModificationResponse = z.infer<typeof ModificationResponse>;

export const CaptureModificationRequest = z.object({ modificationAmount: Amount });
export type CaptureModificationRequest = z.infer<typeof CaptureModificationRequest>;

export const RefundModificationRequest = z.object({ modificationAmount: Amount });
export type RefundModificationRequest = z.infer<typeof RefundModificationRequest>;

export const CancelModificationRequest = z.object({ cancelTransactionOnly: z.boolean().optional() });
export type CancelModificationRequest = z.infer<typeof CancelModificationRequest>;

export const ForceApproveRequest = z.object({
  customer: Customer.optional(),
  token: z.string().optional(),
});
export type ForceApproveRequest = z.infer<typeof ForceApproveRequest>;

/** The body Vipps POSTs to a registered webhook URL for every `epayments.payment.*.v1` event. */
export const PaymentWebhookEvent = z.object({
  msn: Msn,
  reference: Reference,
  pspReference: z.string(),
  name: PaymentEventName,
  amount: Amount,
  timestamp: DateTime,
  success: z.boolean(),
  idempotencyKey: z.string().nullish(),
  sub: z.string().nullish(),
  /** Only on `authorized`, since Aug 2026. */
  captureGuaranteedUntil: DateTime.nullish(),
});
export type PaymentWebhookEvent = z.infer<typeof PaymentWebhookEvent>;
