/**
 * The engine's own failures: the call got no usable answer. Fixed wording that names the provider and
 * what to do; the host is named, never a path, query, header or body.
 */
import { ProviderError } from './providerError';

/** "https://api.example.com": enough to say where we could not connect, no path or query. */
export function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the configured base URL';
	}
}

export function stoppedError(): ProviderError {
	return new ProviderError('The execution was stopped');
}

export function timeoutError(provider: string, url: string, timeoutMs: number): ProviderError {
	return new ProviderError(
		`${provider} did not answer in time (${originOf(url)}, ${Math.round(timeoutMs / 100) / 10} s)`,
		`The service may be overloaded. Nothing is sent again after a time-out; run the workflow again later, or raise the node's Timeout option.`,
	);
}

export function unreachableError(provider: string, url: string): ProviderError {
	return new ProviderError(
		`Could not reach ${provider} at ${originOf(url)}`,
		'Check the base URL in the credential and that the service is reachable from n8n.',
	);
}

export function busyError(provider: string, waitMs: number | undefined): ProviderError {
	const asked = waitMs === undefined ? '' : `; it asks to wait ${Math.ceil(waitMs / 1000)} s`;
	return new ProviderError(
		`${provider} is limiting requests (HTTP 429${asked})`,
		'Run the workflow again later, or send fewer items at once (Max Concurrent Requests).',
	);
}

/** n8n itself refused to send the request (the credential's Allowed Domains): its own words, which hold no secret. */
export function refusedByN8n(provider: string, reason: string): ProviderError {
	return new ProviderError(
		`n8n did not send the request to ${provider}: ${reason}`,
		"Check the credential's Allowed HTTP Request Domains: they must include the provider's host.",
	);
}

/** What a lost answer means for a call that must not be sent twice. */
export interface LostAnswerWording {
	message: string;
	description: string;
}

export function answerLostError(provider: string, what: LostAnswerWording | undefined, status?: number): ProviderError {
	const wording = what ?? {
		message: `${provider} did not answer, and the request may have been carried out`,
		description: 'It is not sent again automatically, because doing it twice is not harmless. Check, then run again.',
	};
	return new ProviderError(
		status === undefined ? wording.message : `${wording.message} (HTTP ${status})`,
		wording.description,
	);
}
