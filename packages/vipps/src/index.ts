export { VippsClient, type VippsClientOptions, type IdempotentCall } from './client';
export { type VippsClientConfig } from './config';
export { AccessTokenCache, sharedAccessTokenCache, type TokenCredentials } from './accessToken';
export { VippsApiError, type VippsErrorKind, type VippsErrorDetails, parseRetryAfter } from './errors';
export { VIPPS_ERROR_CODES, RETRYABLE_ERROR_CODES, type VippsErrorCode } from './errorCodes';
export { operationKey, looksLikeOurKey, OperationKeyError, type OperationKeyParts } from './operationKeys';
export {
  signWebhook,
  verifyWebhook,
  signingTarget,
  contentHash,
  DEFAULT_CLOCK_SKEW_MS,
  type SignatureInput,
  type SignedHeaders,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
} from './webhookSignature';
export * from './schemas';
