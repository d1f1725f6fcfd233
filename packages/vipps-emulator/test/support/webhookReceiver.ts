import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type PaymentWebhookEvent } from '@vipps-orders/vipps/schemas';
import { verifyWebhook, type VerifyResult } from '@vipps-orders/vipps';

export interface ReceivedWebhook {
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: PaymentWebhookEvent;
  /** Verified with the secret registered for this path, exactly as a shop would. */
  verification: VerifyResult;
  /** Status the receiver answered. */
  status: number;
  receivedAt: number;
}

/** What the receiver answers to the n-th request (1-based) it gets for one path. */
export type Responder = (webhook: Omit<ReceivedWebhook, 'status'>, n: number) => number | Promise<number>;

/**
 * A real HTTP webhook receiver on 127.0.0.1 (port 0). It verifies every request with
 * `verifyWebhook` and the secret from registration, and can be told to fail or stall.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  respond: Responder = () => 200;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver.handle(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8')).then(
          (status) => res.writeHead(status).end(),
          () => res.writeHead(500).end(),
        );
      });
    });
    return receiver;
  }

  url(pathAndQuery = '/webhooks/vipps?shop=1'): string {
    return `http://127.0.0.1:${this.port}${pathAndQuery}`;
  }

  useSecret(pathAndQuery: string, secret: string): void {
    this.secrets.set(pathAndQuery, secret);
  }

  forReference(reference: string, pathAndQuery?: string): ReceivedWebhook[] {
    return this.received.filter((w) => w.body.reference === reference && (pathAndQuery === undefined || w.pathAndQuery === pathAndQuery));
  }

  /** Names of the events the receiver accepted (2xx) for a payment, in arrival order. */
  acceptedNames(reference: string, pathAndQuery?: string): string[] {
    return this.forReference(reference, pathAndQuery)
      .filter((w) => w.status >= 200 && w.status < 300)
      .map((w) => w.body.name);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(pathAndQuery: string, headers: IncomingHttpHeaders, rawBody: string): Promise<number> {
    const secret = this.secrets.get(pathAndQuery) ?? '';
    const verification = verifyWebhook({ secret, pathAndQuery, host: headers.host ?? '', rawBody, headers });
    const n = (this.counts.get(pathAndQuery) ?? 0) + 1;
    this.counts.set(pathAndQuery, n);
    const partial = { pathAndQuery, headers, rawBody, body: JSON.parse(rawBody) as PaymentWebhookEvent, verification, receivedAt: Date.now() };
    const status = await this.respond(partial, n);
    this.received.push({ ...partial, status });
    return status;
  }
}
