/**
 * What the client needs to talk to one sales unit. The caller decides where the values come from
 * (environment, a secret store, a test); the client only uses them. The same client talks to the
 * emulator, apitest.vipps.no and api.vipps.no: only these values differ.
 */
export interface VippsClientConfig {
  /** e.g. `https://apitest.vipps.no`, without a trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  /** Merchant Serial Number of the sales unit. */
  msn: string;
  /** Sent as the `Vipps-System-*` headers (at most 30 characters each). */
  systemName: string;
  systemVersion: string;
  pluginName: string;
  pluginVersion: string;
  /** Per request. */
  timeoutMs: number;
}
