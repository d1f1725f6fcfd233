/**
 * The wire types, as types only: workflow code may name them, and this module is empty at run time,
 * so no zod schema enters a workflow bundle through it.
 */
export type { Amount, Currency } from './common';
export type { OrderLine, Receipt } from './receipt';
export type { PaymentEventName, PaymentState } from './epayment';
