import { z } from 'zod';

/**
 * One strict rule for URLs, shared by the client, the emulator and the app: an absolute URI as
 * RFC 3986 writes it (what the specs' `format: uri` means), which WHATWG `new URL()` also parses.
 * `new URL()` alone (and so `z.url()`) is lax: it accepts spaces, `<>` and broken percent-escapes
 * and quietly rewrites them, so a value could be accepted here and later echoed as a non-URI.
 * No Node built-ins: workflow code imports this package's schemas.
 */

const UNRESERVED_AND_SUB_DELIMS = "A-Za-z0-9\\-._~!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED_AND_SUB_DELIMS}:@]|${PCT})`;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const AUTHORITY = new RegExp(`^(?:(?:[${UNRESERVED_AND_SUB_DELIMS}:]|${PCT})*@)?(?:\\[[0-9A-Fa-f:.]+\\]|(?:[${UNRESERVED_AND_SUB_DELIMS}]|${PCT})*)(?::[0-9]*)?$`);
const PATH = new RegExp(`^(?:${PCHAR}|/)*$`);
const QUERY_OR_FRAGMENT = new RegExp(`^(?:${PCHAR}|[/?])*$`);
/** RFC 3986 appendix B: scheme, authority, path, query, fragment. */
const PARTS = /^([^:/?#]+):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

export const URI_MAX_LENGTH = 2500;

/** Why `value` is not an absolute URI, or undefined when it is one. */
export function uriProblem(value: string): string | undefined {
  if (value.length > URI_MAX_LENGTH) return `must be at most ${URI_MAX_LENGTH} characters`;
  const parts = PARTS.exec(value);
  if (!parts || !SCHEME.test(parts[1] ?? '')) return 'must be an absolute URI such as https://shop.example/orders/1';
  const [, , authority, path = '', query, fragment] = parts;
  if (authority !== undefined && !AUTHORITY.test(authority)) return 'has characters a URI host may not contain';
  if (!PATH.test(path)) return 'has characters a URI may not contain (spaces, <>, "{}|\\^` and bad %-escapes must be percent-encoded)';
  if (query !== undefined && !QUERY_OR_FRAGMENT.test(query)) return 'has characters a URI query may not contain (percent-encode them)';
  if (fragment !== undefined && !QUERY_OR_FRAGMENT.test(fragment)) return 'has characters a URI fragment may not contain';
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname === '') return 'must name a host';
  return undefined;
}

/** Hosts on this machine: http (no TLS) is acceptable only to these. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  // WHATWG URL has already normalized IPv4 forms such as 127.1 to 127.0.0.1.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

/** A string that is an absolute URI (see `uriProblem`); documented as `format: uri`. */
export const AbsoluteUri = z
  .string()
  .superRefine((value, ctx) => {
    const problem = uriProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri' });
