import { isLoopbackHost, uriProblem } from '@vipps-orders/vipps/schemas';

/**
 * URL rules shared by `returnUrl`, `receiptUrl` and webhook registrations. The real APIs insist on
 * https (or a custom app scheme for return URLs). A local stand-in must also talk to shops and
 * receivers running on the developer's machine or in a compose network, so plain http is allowed
 * to loopback hosts and to the hosts listed in EMULATOR_WEBHOOK_HTTP_HOSTS. That exception is a
 * deliberate deviation, documented in docs/emulator.md. Every URL must first be an absolute URI by
 * the shared strict rule (`uriProblem`), so nothing the specs call `format: uri` is echoed otherwise.
 */

/** The parsed URL, or the reason it is not a strict absolute URI. */
function parse(url: string): URL | string {
  const problem = uriProblem(url);
  if (problem) return problem;
  return new URL(url);
}

function httpAllowed(u: URL, httpHosts: readonly string[]): boolean {
  return isLoopbackHost(u.hostname) || httpHosts.includes(u.hostname.toLowerCase());
}

// Schemes a browser would act on in dangerous or meaningless ways after the landing page redirect.
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'ftp:', 'blob:', 'about:', 'mailto:', 'ws:', 'wss:']);

/** Reason the URL is not an acceptable return/receipt URL, or undefined when it is. */
export function returnUrlProblem(url: string, httpHosts: readonly string[]): string | undefined {
  const u = parse(url);
  if (typeof u === 'string') return u;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return 'must be an absolute URL such as https://shop.example/return';
  if (u.protocol === 'https:') return u.hostname ? undefined : 'must name a host';
  if (u.protocol === 'http:') {
    return httpAllowed(u, httpHosts)
      ? undefined
      : 'must use https:// or a custom scheme (http:// is accepted only for localhost and EMULATOR_WEBHOOK_HTTP_HOSTS)';
  }
  if (REFUSED_SCHEMES.has(u.protocol)) return `the ${u.protocol} scheme is not allowed`;
  return undefined;
}

/** Reason the URL cannot receive webhooks, or undefined when it can. */
export function webhookUrlProblem(url: string, httpHosts: readonly string[]): string | undefined {
  const u = parse(url);
  if (typeof u === 'string') return u;
  if (!u.hostname) return 'must be an absolute URI';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:') {
    return httpAllowed(u, httpHosts)
      ? undefined
      : 'must use https (http is accepted only for localhost and EMULATOR_WEBHOOK_HTTP_HOSTS)';
  }
  return 'must use https';
}
