/**
 * The one error type for a call to a provider that failed, a token request or an API request alike. Its
 * text is fixed wording that names the provider and what to do, plus the provider's HTTP status and
 * error code: never a password, key, code or token.
 *
 * It deliberately has no `status`/`code` properties: n8n's NodeApiError replaces the message of
 * errors carrying those with a generic "Authorization failed" text, and ours is more useful.
 */
export class ProviderError extends Error {
	readonly description?: string;

	/**
	 * What the failure says about trying again, which decides what the process remembers of it:
	 * - `refusal`: the provider refused these inputs (wrong password, key or code) and will refuse them
	 *   again; remembered for this login so no copy of the credential tries them again for a while.
	 * - `codeSent`: the provider texted a verification code; no new sign-in is made while it can be used.
	 * - `transient` (default): anything else (5xx, 429, no answer, a timeout); fails only this request.
	 */
	readonly outcome: 'refusal' | 'codeSent' | 'transient';

	/** Set on every error of the credential's sign-in, so a node can tell it from a failed API request. */
	signIn = false;

	constructor(message: string, description?: string, outcome: ProviderError['outcome'] = 'transient') {
		super(message);
		this.name = 'ProviderError';
		this.description = description;
		this.outcome = outcome;
	}
}

/** Error codes are short identifiers (`invalid_grant`); anything else could be an echoed secret. */
const SAFE_ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Reads the provider's error code from an OAuth-style or similar error body, if it looks like one. */
export function providerErrorCode(body: unknown): string | undefined {
	if (body === null || typeof body !== 'object') return undefined;
	const record = body as Record<string, unknown>;
	for (const key of ['error', 'errorCode', 'code', 'error_code']) {
		const value = record[key];
		if (typeof value === 'string' && SAFE_ERROR_CODE.test(value)) return value;
	}
	return undefined;
}

/** "HTTP 400 invalid_grant": the part of a failure that is safe and useful to show. */
export function describeProviderAnswer(statusCode: number, body: unknown): string {
	const code = providerErrorCode(body);
	return code ? `HTTP ${statusCode} ${code}` : `HTTP ${statusCode}`;
}

/**
 * The provider refused what the user typed (`inputs`, such as "username or password"). A refusal:
 * the same inputs are not sent again for a while (see `outcome`).
 */
export function inputsRejected(
	provider: string,
	inputs: string,
	answer: { statusCode: number; body: unknown },
	description: string,
): ProviderError {
	return new ProviderError(
		`${provider} rejected the ${inputs} (${describeProviderAnswer(answer.statusCode, answer.body)})`,
		description,
		'refusal',
	);
}
