export { TokenLifecycleError, describeProviderAnswer, inputsRejected, providerErrorCode } from './tokenLifecycleError';
export {
	sendAuthenticationRequest,
	encodeForm,
	basicAuthorization,
	isSuccess,
	TOKEN_REQUEST_TIMEOUT_MS,
} from './httpExchange';
export type { HttpAnswer, HttpHelpers, ExchangeRequest, RequestBody } from './httpExchange';
export { expiresAtFrom, hasExpired, readOAuthToken } from './oauthTokenResponse';
export type { IssuedToken } from './oauthTokenResponse';
export { REFRESH_TOKEN_FIELD } from './lifecycleContract';
export { renewToken } from './renewToken';
export { cachedToken, cachedTokenFits, tokenOwnerFingerprint } from './signInFingerprint';
export { CODE_WAIT_MS, REFUSAL_MEMORY_MS, ROTATION_RACE_MS, clearSignInMemory } from './signInMemory';
export type { TokenLifecycle } from './lifecycleContract';
export { textField, requiredField, baseUrlField, baseUrlExpression } from './credentialInputs';
export { NEEDS_CODE_FIELD, oauthTokenFields, tokenCacheProperties } from './tokenCacheProperties';
export { attachToken, authenticateWithToken, isTokenAccepted, pastedOrSignedInToken, tokenHeader } from './attachToken';
