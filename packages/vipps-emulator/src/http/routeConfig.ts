/** Which API a route belongs to decides the error body shape; the operation name keys faults and limits. */

export type ApiKind = 'accessToken' | 'epayment' | 'webhooks' | 'orderManagement' | 'report' | 'landing' | 'control';

export const OPERATION_NAMES = [
  'accessToken',
  'createPayment',
  'getPayment',
  'getPaymentEventLog',
  'capturePayment',
  'cancelPayment',
  'refundPayment',
  'forceApprove',
  'registerWebhook',
  'listWebhooks',
  'deleteWebhook',
  'createReceipt',
  'getOrder',
  'putCategory',
  'getLedgers',
  'getReportFeed',
  'getReportByDate',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    api?: ApiKind;
    operation?: OperationName;
  }
  interface FastifyRequest {
    /** The MSN a Vipps API call acts for, set by the API guard. */
    vippsMsn: string;
  }
}
