/**
 * How an attempt reaches the provider: n8n's own HTTP helpers, whose answers and failures are read
 * here into the engine's outcomes. Only whether and how it failed is read from a client error: it can
 * quote the request (headers, body) and is never passed on.
 */
import {
	UserError,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
} from 'n8n-workflow';

import { refusedByN8n } from './callErrors';
import type { HttpAnswer, Outcome, Transport } from './engine';
import { ProviderError } from './providerError';

export type HttpHelpers = IHttpRequestHelper['helpers'];

function lowerCaseKeys(headers: unknown): Record<string, unknown> {
	if (headers === null || typeof headers !== 'object') return {};
	return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

/** Some providers answer JSON with a text content type; read it as JSON when it is JSON. */
function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const trimmed = body.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return body;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return body;
	}
}

function answerOf(response: {
	statusCode?: unknown;
	status?: unknown;
	headers?: unknown;
	body?: unknown;
	data?: unknown;
}): HttpAnswer {
	return {
		statusCode: Number(response.statusCode ?? response.status),
		headers: lowerCaseKeys(response.headers),
		body: parseBody(response.body ?? response.data),
	};
}

/** The client error's codes, wherever n8n's NodeApiError (1.x or 2.x) or axios keeps them. */
function failureCodes(error: Record<string, unknown>): unknown[] {
	const cause = (error.cause ?? {}) as Record<string, unknown>;
	return [error.code, error.httpCode, error.name, cause.code, cause.name];
}

/** A failure without an HTTP answer, read into what it means for sending again. */
function outcomeOfFailure(error: unknown, provider: string): Outcome {
	const record = (error !== null && typeof error === 'object' ? error : {}) as Record<string, unknown>;
	const cause = (record.cause ?? {}) as { response?: { status?: unknown } };
	// n8n's helper for authenticated requests throws for every status ≥ 400; the answer is on the cause.
	if (cause.response && Number.isInteger(Number(cause.response.status))) {
		return { kind: 'answer', answer: answerOf(cause.response as never) };
	}
	if (error instanceof UserError) throw refusedByN8n(provider, error.message);
	const codes = failureCodes(record);
	if (codes.some((code) => code === 'ERR_CANCELED' || code === 'CanceledError' || code === 'AbortError')) {
		return { kind: 'stopped' };
	}
	if (codes.some((code) => code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'TimeoutError')) {
		return { kind: 'timeout' };
	}
	if (codes.some((code) => code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
		return { kind: 'unreachable' };
	}
	return { kind: 'lost' };
}

/** The error `preAuthentication` threw, if n8n passes it on wrapped in its own error. */
function signInFailure(error: unknown): ProviderError | undefined {
	if (error instanceof ProviderError) return error;
	const cause = (error as { cause?: unknown } | undefined)?.cause;
	return cause instanceof ProviderError ? cause : undefined;
}

/** Through n8n's `helpers.httpRequest`, without the credential's token: token requests, code checks. */
export function plainTransport(helpers: HttpHelpers, provider: string): Transport {
	return async (options: IHttpRequestOptions) => {
		try {
			const response = await helpers.httpRequest({
				...options,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			});
			return { kind: 'answer', answer: answerOf(response as never) };
		} catch (error) {
			return outcomeOfFailure(error, provider);
		}
	};
}

/**
 * Through n8n's `helpers.httpRequestWithAuthentication` with the node's shared credential: n8n runs the
 * credential's `preAuthentication` (its sign-in) and `authenticate`, and after a 401 renews and resends
 * once. A sign-in failure comes out as the credential's own ProviderError.
 */
export function credentialTransport(
	context: IExecuteFunctions,
	credentials: ICredentialsDecrypted,
	provider: string,
): Transport {
	return async (options: IHttpRequestOptions) => {
		try {
			const response = await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentials.type,
				{ ...options, returnFullResponse: true, json: true },
				{ credentialsDecrypted: credentials },
			);
			return { kind: 'answer', answer: answerOf(response as never) };
		} catch (error) {
			const fromSignIn = signInFailure(error);
			if (fromSignIn) throw fromSignIn;
			return outcomeOfFailure(error, provider);
		}
	};
}
