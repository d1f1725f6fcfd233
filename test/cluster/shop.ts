/**
 * A shop backend and its customers, driving orders through the public HTTP API only, as a real
 * shop would while the cluster fails under it: a 5xx or a dropped connection is retried with the
 * same request (orders, shipments and refunds carry their own ids, cancels an Idempotency-Key), so
 * a retry can never mean a second order, capture or refund. Used by the failover test and
 * bench/cluster.ts; it reads only the documented order view (status, shipments, refunds,
 * payment.aggregate), never workflow internals.
 */
export interface OrderView {
  orderId: string;
  workflowId: string;
  status: string;
  payment: { aggregate: { authorized: number; captured: number; cancelled: number; refunded: number } };
  shipments: { shipmentId: string; status: string; amount: { value: number } }[];
  refunds: { refundId: string; status: string; amount: { value: number } }[];
}

export interface ShopTarget {
  serviceUrl: string;
  emulatorUrl: string;
  apiKey: string;
}

export interface ShopStats {
  requests: number;
  /** Answers that a shop retries: 5xx and connection errors. */
  retried: number;
  byStatus: Record<string, number>;
}

export const LINES = [
  { id: 'boots', total: 30_000 },
  { id: 'scarf', total: 19_900 },
  { id: 'shipping', total: 4_900 },
] as const;
export const ORDER_TOTAL = LINES.reduce((sum, l) => sum + l.total, 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Shop {
  readonly stats: ShopStats = { requests: 0, retried: 0, byStatus: {} };

  constructor(
    private readonly target: ShopTarget,
    private readonly retryForMs = 120_000,
  ) {}

  /** One API call, retried on 5xx and network errors until `retryForMs` has passed. */
  async call<T = OrderView>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: T }> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      let outcome: string;
      try {
        this.stats.requests++;
        const res = await fetch(`${this.target.serviceUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.target.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        this.count(String(res.status));
        const text = await res.text();
        if (res.status < 500) return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
        outcome = `${res.status} ${text.slice(0, 200)}`;
      } catch (err) {
        this.count('network');
        outcome = (err as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: still failing after ${attempt} attempts: ${outcome}`);
      this.stats.retried++;
      await sleep(Math.min(200 * attempt, 2_000));
    }
  }

  async place(orderId: string): Promise<{ workflowId: string; redirectUrl: string }> {
    const res = await this.call<{ workflowId: string; redirectUrl: string }>('POST', '/orders', {
      orderId,
      amount: { value: ORDER_TOTAL, currency: 'NOK' },
      description: 'Failover test order',
      orderLines: LINES.map((l) => ({
        id: l.id,
        name: l.id,
        totalAmount: l.total,
        totalAmountExcludingTax: l.total - l.total / 5,
        totalTaxAmount: l.total / 5,
        taxRate: 2500,
        ...(l.id === 'shipping' && { isShipping: true }),
      })),
    });
    if (res.status !== 201) throw new Error(`POST /orders ${orderId}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  /** The customer approves: on the landing page as a browser would, or through the emulator's test endpoint. */
  async approve(orderId: string, redirectUrl: string, how: 'landing' | 'test-endpoint'): Promise<void> {
    if (how === 'test-endpoint') {
      const res = await fetch(`${this.target.emulatorUrl}/_emulator/payments/${orderId}/approve`, { method: 'POST' });
      if (res.status >= 300) throw new Error(`approve ${orderId}: ${res.status} ${await res.text()}`);
      return;
    }
    const token = new URL(redirectUrl).searchParams.get('token') ?? '';
    const res = await fetch(`${this.target.emulatorUrl}/landing/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    if (res.status !== 303) throw new Error(`landing approve ${orderId}: ${res.status}`);
  }

  async view(orderId: string): Promise<OrderView> {
    const res = await this.call('GET', `/orders/${orderId}`);
    if (res.status !== 200) throw new Error(`GET /orders/${orderId}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  /** Polls the order view until `done` holds (or throws after timeoutMs with the last view). */
  async waitFor(orderId: string, done: (v: OrderView) => boolean, timeoutMs = 120_000): Promise<OrderView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.view(orderId);
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`order ${orderId} did not get there in ${timeoutMs / 1000} s; it is ${view.status}: ${JSON.stringify({ shipments: view.shipments, refunds: view.refunds, aggregate: view.payment.aggregate })}`);
      await sleep(250);
    }
  }

  /** 200 (captured) or 202 (capture still retrying) are both fine: the final check waits for CAPTURED. */
  async ship(orderId: string, shipmentId: string, orderLineIds?: string[]): Promise<void> {
    const res = await this.call('POST', `/orders/${orderId}/shipments`, { shipmentId, ...(orderLineIds && { orderLineIds }) });
    if (res.status !== 200 && res.status !== 202) throw new Error(`ship ${orderId}/${shipmentId}: ${res.status} ${JSON.stringify(res.json)}`);
  }

  async cancel(orderId: string): Promise<void> {
    const res = await this.call('POST', `/orders/${orderId}/cancel`, { reason: 'customer changed their mind' }, { 'idempotency-key': `${orderId}-cancel` });
    if (res.status !== 200 && res.status !== 202) throw new Error(`cancel ${orderId}: ${res.status} ${JSON.stringify(res.json)}`);
  }

  async refund(orderId: string, refundId: string, value: number): Promise<void> {
    const res = await this.call('POST', `/orders/${orderId}/refunds`, { refundId, amount: { value, currency: 'NOK' } });
    if (res.status !== 200 && res.status !== 202) throw new Error(`refund ${orderId}/${refundId}: ${res.status} ${JSON.stringify(res.json)}`);
  }

  private count(key: string): void {
    this.stats.byStatus[key] = (this.stats.byStatus[key] ?? 0) + 1;
  }
}
