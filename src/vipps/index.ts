export { VippsClient, type VippsClientOptions, type IdempotentCall } from './client';
export { AccessTokenCache, sharedAccessTokenCache } from './accessToken';
export { VippsApiError, type VippsErrorKind, parseRetryAfter } from './errors';
export { VIPPS_ERROR_CODES, RETRYABLE_ERROR_CODES } from './errorCodes';
export { deriveIdempotencyKey } from './idempotency';
export { signWebhook, verifyWebhook, signingTarget, contentHash, DEFAULT_CLOCK_SKEW_MS, type VerifyFailure } from './webhookSignature';
export * from './schemas';
