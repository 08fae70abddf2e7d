import {
	ProviderError,
	describeProviderAnswer,
	inputsRejected,
	providerErrorCode,
	type HttpAnswer,
} from '../requestEngine';

export interface IssuedToken {
	accessToken: string;
	refreshToken?: string;
	/** ISO time, or '' when the provider did not say how long the token lives. */
	expiresAt: string;
}

/** Turns `expires_in` (seconds, number or numeric string) into an absolute ISO time. */
export function expiresAtFrom(expiresIn: unknown, now: number = Date.now()): string {
	const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return '';
	return new Date(now + seconds * 1000).toISOString();
}

/**
 * Whether a stored expiry time has passed. Tokens are treated as expired a minute early so that a
 * token does not run out between the check and the request.
 */
export function hasExpired(expiresAt: unknown, now: number = Date.now(), skewMs = 60_000): boolean {
	if (typeof expiresAt !== 'string' || expiresAt === '') return false;
	const time = Date.parse(expiresAt);
	return Number.isFinite(time) && time - skewMs <= now;
}

/** Reads an OAuth 2 token response (`access_token`, `refresh_token`, `expires_in`). */
export function readOAuthToken(provider: string, answer: HttpAnswer): IssuedToken {
	const body = answer.body as Record<string, unknown> | undefined;
	const accessToken = body?.access_token;
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw new ProviderError(
			`${provider} answered the token request without an access token (HTTP ${answer.statusCode})`,
		);
	}
	const refreshToken = typeof body?.refresh_token === 'string' ? body.refresh_token : undefined;
	return { accessToken, refreshToken, expiresAt: expiresAtFrom(body?.expires_in) };
}

/** What a provider says to the user about each of the OAuth 2 refusals (RFC 6749 §5.2) its token endpoint gives. */
export interface OAuthRefusalWording {
	/** `invalid_client` (or a 401): what to check about the client ID and secret. */
	client: string;
	/** `invalid_grant`, when the grant carried what the user typed: what it is, and what to check. */
	inputs?: { name: string; description: string };
	/** `unauthorized_client` or `unsupported_grant_type`: what the user was refused, and what to do. */
	notAllowed: { what: string; description: string };
}

/**
 * An OAuth 2 token endpoint's refusal as the error that says which part was refused, remembered as a
 * refusal (see ProviderError's `outcome`); `undefined` for any other answer, which the caller judges.
 */
export function oauthRefusal(
	provider: string,
	answer: HttpAnswer,
	wording: OAuthRefusalWording,
): ProviderError | undefined {
	const code = providerErrorCode(answer.body);
	if (code === 'invalid_client' || answer.statusCode === 401) {
		return inputsRejected(provider, 'client ID or client secret', answer, wording.client);
	}
	if (code === 'invalid_grant' && wording.inputs) {
		return inputsRejected(provider, wording.inputs.name, answer, wording.inputs.description);
	}
	if (code === 'unauthorized_client' || code === 'unsupported_grant_type') {
		const status = describeProviderAnswer(answer.statusCode, answer.body);
		return new ProviderError(
			`${provider} does not allow ${wording.notAllowed.what} (${status})`,
			wording.notAllowed.description,
			'refusal',
		);
	}
	return undefined;
}
