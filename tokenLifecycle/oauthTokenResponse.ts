import { ProviderError, type HttpAnswer } from '../requestEngine';

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
