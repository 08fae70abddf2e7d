export { ProviderError, describeProviderAnswer, inputsRejected, providerErrorCode } from './providerError';
export {
	MAX_ATTEMPTS,
	MAX_RETRY_WAIT_MS,
	basicAuthorization,
	callProvider,
	encodeForm,
	isSuccess,
	type CallSettings,
	type HttpAnswer,
	type Outcome,
	type ProviderCall,
	type Repeat,
	type Transport,
} from './engine';
export { credentialTransport, plainTransport, type HttpHelpers } from './transports';
export { CREDENTIAL_TIMEOUT_MS, settingsFor, useSettingsFor } from './callSettings';
export { stoppedError, type LostAnswerWording } from './callErrors';
export { clearPauses, sleepUnlessStopped } from './pacing';
export { retryAfterMs } from './retryAfter';
