export { TokenLifecycleError, describeProviderAnswer, providerErrorCode } from './tokenLifecycleError';
export { exchange, encodeForm, basicAuthorization, isSuccess } from './httpExchange';
export type { HttpAnswer, HttpHelpers, ExchangeRequest, RequestBody } from './httpExchange';
export { expiresAtFrom, hasExpired, readOAuthToken } from './oauthTokenResponse';
export type { IssuedToken } from './oauthTokenResponse';
export { cachedToken, cachedTokenFits, renewToken, tokenOwnerFingerprint } from './renewToken';
export type { TokenLifecycle } from './renewToken';
export { textField, requiredField, baseUrlField } from './credentialInputs';
export { tokenCacheProperties } from './tokenCacheProperties';
