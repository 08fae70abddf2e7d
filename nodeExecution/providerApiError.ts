import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { providerErrorCode } from '../tokenLifecycle/tokenLifecycleError';

const HINTS: Record<number, string> = {
	400: 'The provider did not accept the request; check the parameters of this item.',
	401: 'The provider rejected the credential, even after the credential renewed its token. Check the credential.',
	403: 'The credential is valid but not allowed to do this.',
	404: 'The provider found nothing at this address; check the ID or token given.',
	409: 'The provider reports a conflict with existing data.',
	422: 'The provider did not accept the values of this item.',
	429: 'The provider is limiting requests; try again later or send fewer at once.',
};

export function statusOf(error: Record<string, unknown>): number | undefined {
	const response = error.response as { status?: unknown } | undefined;
	const candidates = [error.httpCode, response?.status, error.statusCode];
	for (const candidate of candidates) {
		const status = Number(candidate);
		if (Number.isInteger(status) && status >= 100 && status < 600) return status;
	}
	return undefined;
}

function bodyOf(error: Record<string, unknown>): unknown {
	const response = error.response as { data?: unknown; body?: unknown } | undefined;
	const context = error.context as { data?: unknown } | undefined;
	return response?.data ?? response?.body ?? context?.data;
}

/** The code of a failure without an HTTP answer: axios's own, or where n8n's NodeApiError keeps it (`httpCode`). */
function failureCodes(error: Record<string, unknown>): unknown[] {
	const cause = (error.cause ?? {}) as Record<string, unknown>;
	return [error.code, error.httpCode, cause.code, (error.context as Record<string, unknown> | undefined)?.code];
}

/** Axios ends a request that outlives its `timeout` with ECONNABORTED (ETIMEDOUT for a connect timeout). */
function isTimeout(error: Record<string, unknown>): boolean {
	return failureCodes(error).some((code) => code === 'ECONNABORTED' || code === 'ETIMEDOUT');
}

/**
 * A NodeApiError with only the given wording (and HTTP status), for item `itemIndex`: never built
 * around a client error, which carries the request and so its token header.
 */
export function wordedApiError(
	node: INode,
	itemIndex: number,
	{ message, description, httpCode }: { message: string; description?: string; httpCode?: string },
): NodeApiError {
	const wording = httpCode === undefined ? { message, description } : { message, description, httpCode };
	return new NodeApiError(node, wording as JsonObject, { ...wording, itemIndex });
}

/**
 * Turns any failure of a provider call into a NodeApiError whose text is fixed wording plus the
 * provider's status and error code. It is built from scratch rather than wrapping the client's
 * error, because that error carries the request (and so its token header) with it.
 */
export function providerApiError(node: INode, provider: string, error: unknown, itemIndex: number): NodeApiError {
	const record = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
	const status = statusOf(record);
	if (status === undefined && isTimeout(record)) {
		const message = `${provider} did not answer in time`;
		const description =
			'The request took longer than the Timeout option of the node allows. Raise it, or try again later.';
		return wordedApiError(node, itemIndex, { message, description });
	}
	if (status === undefined) {
		// No HTTP answer: a token-life-cycle error (already secret-free) or a connection failure.
		const message =
			typeof record.message === 'string' && record.name !== 'AxiosError'
				? record.message
				: `Could not reach ${provider}`;
		const description = typeof record.description === 'string' ? record.description : undefined;
		return wordedApiError(node, itemIndex, { message, description });
	}
	const code = providerErrorCode(bodyOf(record));
	const message = `${provider} answered HTTP ${status}${code ? ` ${code}` : ''}`;
	const description =
		HINTS[status] ?? (status >= 500 ? `${provider} had a problem answering; try again later.` : undefined);
	return wordedApiError(node, itemIndex, { message, description, httpCode: String(status) });
}
