import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import { z } from 'zod';
import { type AccessTokenCache, sharedAccessTokenCache } from './accessToken';
import { type VippsClientConfig } from './config';
import { VippsApiError } from './errors';
import { IdempotencyKey, Reference } from './schemas/common';
import {
  CancelModificationRequest,
  CaptureModificationRequest,
  CreatePaymentRequest,
  CreatePaymentResponse,
  ForceApproveRequest,
  GetPaymentResponse,
  ModificationResponse,
  PaymentEventLog,
  RefundModificationRequest,
} from './schemas/epayment';
import { OrderCategory, OrderManagementId, OrderManagementOrderId, OrderV2Response, type PaymentType, Receipt } from './schemas/receipt';
import { LedgerDate, LedgersResponse, type ReportDatePage, type ReportFeedPage, type ReportLedger, ReportPageResponse, ReportTopic } from './schemas/report';
import { ListWebhooksResponse, RegisterWebhookRequest, RegisterWebhookResponse } from './schemas/webhooks';
import { describeIssues } from './schemas/zodIssues';
import { badCursor, cursorQuery, REPEATED } from './reportPaging';
import { sendRequest } from './transport';

export interface VippsClientOptions {
  /** Share tokens between clients with the same credentials; defaults to one process-wide cache. */
  tokenCache?: AccessTokenCache;
  /** Called once per finished request, for metrics and logs. Never receives headers or bodies. */
  onRequest?: (event: { operation: string; ok: boolean; status?: number; errorCode?: number; durationMs: number }) => void;
}

export interface IdempotentCall {
  /** Derive it with `deriveIdempotencyKey`; repeat the same key when retrying the same operation. */
  idempotencyKey: string;
}

const PRODUCTION_HOST = 'api.vipps.no';

/**
 * Typed client for the Vipps MobilePay ePayment v1, Webhooks v1, Order Management v2 and Report v2 APIs.
 * Talks to the emulator, apitest.vipps.no and api.vipps.no alike; only the config differs.
 * Bodies are validated by zod on the way out (nothing invalid is sent) and on the way in.
 */
export class VippsClient {
  private readonly http: AxiosInstance;
  private readonly tokens: AccessTokenCache;
  private readonly systemHeaders: Record<string, string>;

  constructor(
    private readonly config: VippsClientConfig,
    private readonly options: VippsClientOptions = {},
  ) {
    this.http = axios.create({
      baseURL: config.baseUrl,
      timeout: config.timeoutMs,
      responseType: 'json',
      // Keep-alive matters: every order makes several calls, and TLS handshakes are not free.
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      transitional: { clarifyTimeoutError: true },
      maxRedirects: 0,
    });
    this.tokens = options.tokenCache ?? sharedAccessTokenCache;
    this.systemHeaders = {
      'Vipps-System-Name': config.systemName,
      'Vipps-System-Version': config.systemVersion,
      'Vipps-System-Plugin-Name': config.pluginName,
      'Vipps-System-Plugin-Version': config.pluginVersion,
    };
  }

  get isProduction(): boolean {
    return new URL(this.config.baseUrl).hostname === PRODUCTION_HOST;
  }

  // ---- ePayment v1 ---------------------------------------------------------------------------

  async createPayment(body: CreatePaymentRequest, call: IdempotentCall): Promise<CreatePaymentResponse> {
    return this.call('createPayment', 'POST', '/epayment/v1/payments', {
      body: this.checkBody('createPayment', CreatePaymentRequest, body),
      idempotencyKey: call.idempotencyKey,
      responseSchema: CreatePaymentResponse,
    });
  }

  async getPayment(reference: string): Promise<GetPaymentResponse> {
    return this.call('getPayment', 'GET', `/epayment/v1/payments/${this.ref('getPayment', reference)}`, {
      responseSchema: GetPaymentResponse,
    });
  }

  async getPaymentEventLog(reference: string): Promise<z.output<typeof PaymentEventLog>> {
    return this.call('getPaymentEventLog', 'GET', `/epayment/v1/payments/${this.ref('getPaymentEventLog', reference)}/events`, {
      responseSchema: PaymentEventLog,
    });
  }

  async capturePayment(reference: string, body: CaptureModificationRequest, call: IdempotentCall): Promise<ModificationResponse> {
    return this.call('capturePayment', 'POST', `/epayment/v1/payments/${this.ref('capturePayment', reference)}/capture`, {
      body: this.checkBody('capturePayment', CaptureModificationRequest, body),
      idempotencyKey: call.idempotencyKey,
      responseSchema: ModificationResponse,
    });
  }

  /**
   * Cancels (releases) what is left of the reservation, or terminates a payment not yet authorized.
   * With `cancelTransactionOnly: true` an authorized payment is left alone and Vipps answers 6060.
   */
  async cancelPayment(reference: string, body: CancelModificationRequest, call: Partial<IdempotentCall> = {}): Promise<ModificationResponse> {
    return this.call('cancelPayment', 'POST', `/epayment/v1/payments/${this.ref('cancelPayment', reference)}/cancel`, {
      body: this.checkBody('cancelPayment', CancelModificationRequest, body),
      idempotencyKey: call.idempotencyKey,
      responseSchema: ModificationResponse,
    });
  }

  async refundPayment(reference: string, body: RefundModificationRequest, call: IdempotentCall): Promise<ModificationResponse> {
    return this.call('refundPayment', 'POST', `/epayment/v1/payments/${this.ref('refundPayment', reference)}/refund`, {
      body: this.checkBody('refundPayment', RefundModificationRequest, body),
      idempotencyKey: call.idempotencyKey,
      responseSchema: ModificationResponse,
    });
  }

  /** Test environment only: approves a payment as if the user did. Refused against production. */
  async forceApprove(reference: string, body: ForceApproveRequest = {}): Promise<void> {
    if (this.isProduction) {
      throw new VippsApiError({ kind: 'invalid-request', operation: 'forceApprove', detail: 'forceApprove exists only in the test environment' });
    }
    await this.call('forceApprove', 'POST', `/epayment/v1/test/payments/${this.ref('forceApprove', reference)}/approve`, {
      body: this.checkBody('forceApprove', ForceApproveRequest, body),
      responseSchema: null,
    });
  }

  // ---- Webhooks v1 ----------------------------------------------------------------------------

  async registerWebhook(body: RegisterWebhookRequest): Promise<RegisterWebhookResponse> {
    return this.call('registerWebhook', 'POST', '/webhooks/v1/webhooks', {
      body: this.checkBody('registerWebhook', RegisterWebhookRequest, body),
      responseSchema: RegisterWebhookResponse,
    });
  }

  async listWebhooks(): Promise<ListWebhooksResponse> {
    return this.call('listWebhooks', 'GET', '/webhooks/v1/webhooks', { responseSchema: ListWebhooksResponse });
  }

  async deleteWebhook(id: string): Promise<void> {
    const checked = this.checkBody('deleteWebhook', z.uuid(), id);
    await this.call('deleteWebhook', 'DELETE', `/webhooks/v1/webhooks/${checked}`, { responseSchema: null });
  }

  // ---- Order Management v2 --------------------------------------------------------------------

  /** Attaches a receipt to an order (for ePayment, the order id is the payment reference). Immutable: a second call gets 409. */
  async addReceipt(orderId: string, receipt: Receipt, paymentType: PaymentType = 'ECOM'): Promise<string> {
    return this.call('addReceipt', 'POST', `/order-management/v2/${paymentType}/receipts/${this.orderId('addReceipt', orderId)}`, {
      body: this.checkBody('addReceipt', Receipt, receipt),
      responseSchema: OrderManagementId,
    });
  }

  async getOrder(orderId: string, paymentType: PaymentType = 'ECOM'): Promise<OrderV2Response> {
    return this.call('getOrder', 'GET', `/order-management/v2/${paymentType}/${this.orderId('getOrder', orderId)}`, {
      responseSchema: OrderV2Response,
    });
  }

  async putCategory(orderId: string, category: OrderCategory, paymentType: PaymentType = 'ECOM'): Promise<string> {
    return this.call('putCategory', 'PUT', `/order-management/v2/${paymentType}/categories/${this.orderId('putCategory', orderId)}`, {
      body: this.checkBody('putCategory', OrderCategory, category),
      responseSchema: OrderManagementId,
    });
  }

  // ---- Report API 2.0 (settlements) -----------------------------------------------------------

  /** Every ledger these keys may read (all pages), optionally only the one settling for a handle such as `api:123456`. */
  async listLedgers(filter: { settlesForRecipientHandle?: string } = {}): Promise<ReportLedger[]> {
    const ledgers: ReportLedger[] = [];
    let query = filter.settlesForRecipientHandle === undefined ? '' : `?settlesForRecipientHandles=${encodeURIComponent(filter.settlesForRecipientHandle)}`;
    for (;;) {
      const page = await this.call('getLedgers', 'GET', `/settlement/v1/ledgers${query}`, { responseSchema: LedgersResponse });
      ledgers.push(...page.items);
      if (!page.cursor) return ledgers;
      if (query.endsWith(`=${encodeURIComponent(page.cursor)}`)) throw badCursor('getLedgers', REPEATED);
      query = `?cursor=${encodeURIComponent(page.cursor)}`;
    }
  }

  /** One page of a ledger's funds or fees feed, from `cursor` (the start when omitted). */
  async getReportFeed(ledgerId: string, topic: ReportTopic, cursor?: string): Promise<ReportFeedPage> {
    const url = `${this.reportPath('getReportFeed', ledgerId, topic)}/feed${cursorQuery(cursor)}`;
    const page = await this.call('getReportFeed', 'GET', url, { responseSchema: ReportPageResponse });
    // Without a cursor the only way on would be from the start again, which reads everything twice.
    if (!page.cursor) throw badCursor('getReportFeed', 'the feed must always return a cursor');
    return { items: page.items, cursor: page.cursor, tryLater: page.tryLater === true };
  }

  /** One page of a closed ledger date; `{ ready: false }` while the date is not closed (404 or `tryLater`). */
  async getReportByDate(ledgerId: string, topic: ReportTopic, ledgerDate: string, cursor?: string): Promise<ReportDatePage> {
    const date = this.checkBody('getReportByDate', LedgerDate, ledgerDate);
    const url = `${this.reportPath('getReportByDate', ledgerId, topic)}/dates/${date}${cursorQuery(cursor)}`;
    try {
      const page = await this.call('getReportByDate', 'GET', url, { responseSchema: ReportPageResponse });
      if (page.tryLater === true) return { ready: false };
      return { ready: true, items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
    } catch (err) {
      if (err instanceof VippsApiError && err.kind === 'http' && err.status === 404) return { ready: false };
      throw err;
    }
  }

  /** A whole ledger date, every page; `{ ready: false }` while it is not closed. */
  async readLedgerDate(ledgerId: string, topic: ReportTopic, ledgerDate: string): Promise<ReportDatePage> {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await this.getReportByDate(ledgerId, topic, ledgerDate, cursor);
      if (!page.ready) return page;
      items.push(...page.items);
      if (page.cursor !== undefined && page.cursor === cursor) throw badCursor('getReportByDate', REPEATED);
      cursor = page.cursor;
    } while (cursor);
    return { ready: true, items };
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async call<T extends z.ZodType>(
    operation: string,
    method: Method,
    url: string,
    opts: { body?: unknown; idempotencyKey?: string; responseSchema: T | null },
  ): Promise<z.output<T>> {
    const headers: Record<string, string> = {
      ...this.systemHeaders,
      'Ocp-Apim-Subscription-Key': this.config.subscriptionKey,
      'Merchant-Serial-Number': this.config.msn,
      Accept: 'application/json, application/problem+json',
    };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idempotencyKey !== undefined) {
      headers['Idempotency-Key'] = this.checkBody(operation, IdempotencyKey, opts.idempotencyKey);
    }

    const started = Date.now();
    const send = (token: string) =>
      sendRequest(this.http, { operation, method, url, headers: { ...headers, Authorization: `Bearer ${token}` }, body: opts.body, responseSchema: opts.responseSchema });
    let ok = false;
    let failure: VippsApiError | undefined;
    try {
      const token = await this.tokens.get(this.http, this.config, this.systemHeaders);
      let result: z.output<T>;
      try {
        result = await send(token);
      } catch (err) {
        // A 401 means the gateway refused the token before anything happened; one retry with a fresh token is safe.
        if (!(err instanceof VippsApiError) || err.status !== 401) throw err;
        this.tokens.invalidate(this.http, this.config, token);
        result = await send(await this.tokens.get(this.http, this.config, this.systemHeaders));
      }
      ok = true;
      return result;
    } catch (err) {
      if (err instanceof VippsApiError) failure = err;
      throw err;
    } finally {
      this.options.onRequest?.({ operation, ok, status: failure?.status, errorCode: failure?.errorCode, durationMs: Date.now() - started });
    }
  }

  private checkBody<T extends z.ZodType>(operation: string, schema: T, value: unknown): z.output<T> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new VippsApiError({ kind: 'invalid-request', operation, title: 'Request is invalid; nothing was sent', fieldErrors: describeIssues(parsed.error) });
  }

  private ref(operation: string, reference: string): string {
    return encodeURIComponent(this.checkBody(operation, Reference, reference));
  }

  private orderId(operation: string, orderId: string): string {
    return encodeURIComponent(this.checkBody(operation, OrderManagementOrderId, orderId));
  }

  private reportPath(operation: string, ledgerId: string, topic: ReportTopic): string {
    const id = encodeURIComponent(this.checkBody(operation, z.string().min(1).max(100), ledgerId));
    return `/report/v2/ledgers/${id}/${this.checkBody(operation, ReportTopic, topic)}`;
  }
}
