import { isIP } from 'node:net';

/**
 * URL rules shared by `returnUrl`, `receiptUrl` and webhook registrations. The real APIs insist on
 * https (or a custom app scheme for return URLs). A local stand-in must also talk to shops and
 * receivers running on the developer's machine or in a compose network, so plain http is allowed
 * to loopback hosts and to the hosts listed in EMULATOR_WEBHOOK_HTTP_HOSTS. That exception is a
 * deliberate deviation, documented in docs/emulator.md.
 */

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function httpAllowed(u: URL, httpHosts: readonly string[]): boolean {
  return isLoopbackHost(u.hostname) || httpHosts.includes(u.hostname.toLowerCase());
}

// Schemes a browser would act on in dangerous or meaningless ways after the landing page redirect.
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'ftp:', 'blob:', 'about:', 'mailto:', 'ws:', 'wss:']);

/** Reason the URL is not an acceptable return/receipt URL, or undefined when it is. */
export function returnUrlProblem(url: string, httpHosts: readonly string[]): string | undefined {
  const u = parse(url);
  if (!u || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return 'must be an absolute URL such as https://shop.example/return';
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
  if (!u || !u.hostname) return 'must be an absolute URI';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:') {
    return httpAllowed(u, httpHosts)
      ? undefined
      : 'must use https (http is accepted only for localhost and EMULATOR_WEBHOOK_HTTP_HOSTS)';
  }
  return 'must use https';
}
