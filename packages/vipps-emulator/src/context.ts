import { type EmulatorConfig } from './config';
import { type AccessTokenIssuer } from './auth/accessTokens';
import { type FaultInjector } from './faults';
import { type Clock } from './options';
import { type PaymentService } from './payments/paymentService';
import { type EmulatorState } from './state/emulatorState';
import { type WebhookDispatcher } from './webhooks/dispatcher';

/** What the route plugins share: one of these per emulator instance. */
export interface EmulatorContext {
  config: EmulatorConfig;
  clock: Clock;
  state: EmulatorState;
  faults: FaultInjector;
  payments: PaymentService;
  dispatcher: WebhookDispatcher;
  tokens: AccessTokenIssuer;
  /** The configured MSN first, then any additional ones. */
  acceptedMsns: readonly string[];
  /** Base URL for landing pages; known only after listening when the port is 0. */
  publicUrl(): string;
  /**
   * Forget everything: payments, keys, webhooks, receipts, ledger, faults, delivery log. With a
   * state file, resolves once the empty state is saved.
   */
  reset(): Promise<void>;
}
