/**
 * Satellite REST API authentication, as documented in provider-docs/oauth2-otp-authentication.txt:
 * `POST /oauth/v2/token` with JSON bodies for the client_credentials, password and refresh_token
 * grants, and `POST /otp/send`, whose one-time passwords then work as the user's password in the
 * password grant.
 *
 * What the docs leave open is filled in the way OAuth 2 (RFC 6749 §5.2, RFC 6750 §3.1) says:
 * error bodies are `{ error, error_description }`, a bad client is 401 `invalid_client`, a bad
 * login, code or refresh token is 400 `invalid_grant`, a rejected access token is 401
 * `invalid_token` with a `WWW-Authenticate: Bearer` header.
 */
import { randomInt } from 'node:crypto';

import {
	bearerToken,
	json,
	randomToken,
	type ProviderDefinition,
	type ProviderRequest,
	type ProviderResponse,
} from './providerServer';

export interface SatelliteClient {
	clientId: string;
	clientSecret: string;
}

export interface SatelliteUser {
	id: number;
	email: string;
	phone: string;
	/** Users registered through an OTP have no password of their own. */
	password?: string;
}

/** The API client a demo credential uses. The secret has the characters a JSON body must escape. */
export const SATELLITE_CLIENT: SatelliteClient = {
	clientId: 'n8n-demo-client',
	clientSecret: 'sat-secret "42" \\ é',
};

/** Known users. The first is the docs' own example user. */
export const SATELLITE_USERS: SatelliteUser[] = [
	{ id: 1, email: 'someone@example.com', phone: '02345678901234', password: 'def56789 "pw" \\ é' },
	{ id: 2, email: 'giovanni@example.co.nz', phone: '+64211234567', password: 'giovanni-password' },
	{ id: 3, email: 'ana@example.com', phone: '+61412345678', password: 'ana-password' },
];

/** "Returns an access token valid for up to an hour." */
export const SATELLITE_TOKEN_LIFETIME_SECONDS = 3600;
/** "10 minutes is the default, and you should not exceed 30 minutes." */
export const SATELLITE_OTP_TTL_SECONDS = 600;
const MAX_OTP_TTL_SECONDS = 30 * 60;

export interface SentOtp {
	/** The address or number the code went to, as given. */
	to: string;
	channel: 'email' | 'phone';
	code: string;
	userId: number;
	sentAt: string;
	expiresAt: string;
	usedAt?: string;
}

export interface SatelliteState {
	allowNewUsers: boolean;
	otpTtlSeconds: number;
	tokenLifetimeSeconds: number;
	/** Every code 'sent' by email or SMS, oldest first. */
	outbox: SentOtp[];
	/** /otp/send calls answered 200 without sending anything (unknown user, new users not allowed). */
	silentlyIgnored: string[];
	tokensIssued: { client_credentials: number; password: number; refresh_token: number };
	registeredUsers: SatelliteUser[];
}

interface AccessToken {
	clientId: string;
	userId?: number;
	expiresAt: number;
}

interface RefreshToken {
	clientId: string;
	userId: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?\d{6,15}$/;

/** Phone numbers match whatever formatting they were typed with. */
function normalizePhone(phone: string): string {
	return phone.replace(/[\s().-]/g, '');
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}) {
	return json(status, { error, error_description: description }, headers);
}

export type SatelliteProvider = ProviderDefinition & {
	state: SatelliteState;
	/** The newest code sent to an email address or phone number (formatting and case ignored). */
	lastCodeFor(emailOrPhone: string): string | undefined;
	/** Every user, seeded and registered through an OTP. */
	users(): SatelliteUser[];
	/** The user a refresh or access token belongs to (undefined for client tokens and unknown ones). */
	userOfAccessToken(token: string): number | undefined;
	isRefreshTokenValid(token: string): boolean;
};

export function createSatellite(): SatelliteProvider {
	const users: SatelliteUser[] = SATELLITE_USERS.map((user) => ({ ...user }));
	const accessTokens = new Map<string, AccessToken>();
	const refreshTokens = new Map<string, RefreshToken>();
	const state: SatelliteState = {
		allowNewUsers: false,
		otpTtlSeconds: SATELLITE_OTP_TTL_SECONDS,
		tokenLifetimeSeconds: SATELLITE_TOKEN_LIFETIME_SECONDS,
		outbox: [],
		silentlyIgnored: [],
		tokensIssued: { client_credentials: 0, password: 0, refresh_token: 0 },
		registeredUsers: [],
	};

	const sameAddress = (a: string, b: string) =>
		a.includes('@') || b.includes('@')
			? a.trim().toLowerCase() === b.trim().toLowerCase()
			: normalizePhone(a) === normalizePhone(b);

	function findUser(username: string): SatelliteUser | undefined {
		return users.find((user) => sameAddress(user.email, username) || sameAddress(user.phone, username));
	}

	function issueToken(clientId: string, userId?: number): Record<string, unknown> {
		const accessToken = randomToken(27, 'base64url');
		accessTokens.set(accessToken, {
			clientId,
			userId,
			expiresAt: Date.now() + state.tokenLifetimeSeconds * 1000,
		});
		const body: Record<string, unknown> = {
			access_token: accessToken,
			expires_in: state.tokenLifetimeSeconds,
			token_type: 'bearer',
			scope: null,
		};
		if (userId !== undefined) {
			const refreshToken = randomToken(27, 'base64url');
			refreshTokens.set(refreshToken, { clientId, userId });
			body.refresh_token = refreshToken;
		}
		return body;
	}

	/** A code works once, for its user, until it expires. */
	function useCode(user: SatelliteUser, code: string): boolean {
		const now = Date.now();
		const otp = state.outbox.find(
			(sent) => sent.userId === user.id && sent.code === code && !sent.usedAt && Date.parse(sent.expiresAt) > now,
		);
		if (!otp) return false;
		otp.usedAt = new Date(now).toISOString();
		return true;
	}

	function tokenEndpoint(request: ProviderRequest): ProviderResponse {
		if (request.contentType !== 'application/json') {
			return oauthError(415, 'invalid_request', 'The token endpoint accepts application/json bodies only.');
		}
		const body = request.json;
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			return oauthError(400, 'invalid_request', 'The request body is not a JSON object.');
		}
		const fields = body as Record<string, unknown>;
		const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
		const grantType = text('grant_type');
		if (!grantType) return oauthError(400, 'invalid_request', 'Invalid grant_type parameter or parameter missing');
		const client =
			SATELLITE_CLIENT.clientId === text('client_id') && SATELLITE_CLIENT.clientSecret === text('client_secret')
				? SATELLITE_CLIENT
				: undefined;
		if (!client) return oauthError(401, 'invalid_client', 'The client credentials are invalid');

		if (grantType === 'client_credentials') {
			state.tokensIssued.client_credentials++;
			return json(200, issueToken(client.clientId));
		}
		if (grantType === 'password') {
			const username = text('username');
			const password = text('password');
			if (!username || password === undefined || password === '') {
				return oauthError(400, 'invalid_request', 'Missing parameters. "username" and "password" required');
			}
			const user = findUser(username);
			const accepted = user && (user.password === password || useCode(user, password.trim()));
			if (!user || !accepted) {
				return oauthError(400, 'invalid_grant', 'Invalid username and password combination');
			}
			state.tokensIssued.password++;
			return json(200, issueToken(client.clientId, user.id));
		}
		if (grantType === 'refresh_token') {
			const refreshToken = text('refresh_token');
			if (!refreshToken) return oauthError(400, 'invalid_request', 'No "refresh_token" parameter found');
			const stored = refreshTokens.get(refreshToken);
			if (!stored || stored.clientId !== client.clientId) {
				return oauthError(400, 'invalid_grant', 'Invalid refresh token');
			}
			// Rotation: a refresh token works once; the answer carries its successor.
			refreshTokens.delete(refreshToken);
			state.tokensIssued.refresh_token++;
			return json(200, issueToken(client.clientId, stored.userId));
		}
		return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type parameter or parameter missing');
	}

	function validAccessToken(request: ProviderRequest): AccessToken | undefined {
		const token = bearerToken(request);
		const stored = token ? accessTokens.get(token) : undefined;
		return stored && stored.expiresAt > Date.now() ? stored : undefined;
	}

	function sendOtp(request: ProviderRequest): ProviderResponse {
		if (!validAccessToken(request)) {
			return oauthError(401, 'invalid_token', 'The access token provided is invalid.', {
				'WWW-Authenticate':
					'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."',
			});
		}
		if (request.contentType !== 'application/json' || request.json === null || typeof request.json !== 'object') {
			return json(400, { error: 'invalid_request', error_description: 'Send a JSON body with "email" or "phone".' });
		}
		const body = request.json as Record<string, unknown>;
		const hasEmail = body.email !== undefined;
		const hasPhone = body.phone !== undefined;
		if (hasEmail === hasPhone) {
			return json(422, { error: 'validation_failed', error_description: 'Give either "email" or "phone".' });
		}
		const channel = hasEmail ? 'email' : 'phone';
		const to = body[channel];
		const valid =
			typeof to === 'string' && (channel === 'email' ? EMAIL.test(to.trim()) : PHONE.test(normalizePhone(to)));
		if (!valid) {
			return json(422, {
				error: 'validation_failed',
				error_description:
					channel === 'email' ? '"email" is not a valid email address.' : '"phone" is not a valid mobile number.',
			});
		}
		const address = to as string;
		let user = findUser(address);
		if (!user && state.allowNewUsers) {
			user = {
				id: users.length + 1,
				email: channel === 'email' ? address.trim() : '',
				phone: channel === 'phone' ? address : '',
			};
			users.push(user);
			state.registeredUsers.push({ ...user });
		}
		if (user) {
			const now = Date.now();
			state.outbox.push({
				to: address,
				channel,
				code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
				userId: user.id,
				sentAt: new Date(now).toISOString(),
				expiresAt: new Date(now + state.otpTtlSeconds * 1000).toISOString(),
			});
		} else {
			// The same answer as for a known user: the API must not reveal who is registered.
			state.silentlyIgnored.push(address);
		}
		return json(200, { data: { [channel]: address }, meta: [] });
	}

	return {
		name: 'satellite',
		state,
		lastCodeFor: (emailOrPhone) => state.outbox.filter((sent) => sameAddress(sent.to, emailOrPhone)).at(-1)?.code,
		users: () => users.map((user) => ({ ...user })),
		userOfAccessToken: (token) => accessTokens.get(token)?.userId,
		isRefreshTokenValid: (token) => refreshTokens.has(token),
		// Refresh tokens outlive access tokens: that is what lets a user grant recover without the password.
		expireAllTokens: () => accessTokens.clear(),
		snapshot: () => ({
			...state,
			users: users.map(({ id, email, phone }) => ({ id, email, phone })),
			client: { clientId: SATELLITE_CLIENT.clientId },
		}),
		actions: {
			/** `{ "allow": true }`: the "Allow new users" security setting. */
			setAllowNewUsers: (body) => {
				state.allowNewUsers = (body as { allow?: unknown }).allow === true;
				return { allowNewUsers: state.allowNewUsers };
			},
			/** `{ "seconds": 60 }`: the OTP lifetime set in the control room (at most 30 minutes). */
			setOtpTtl: (body) => {
				const seconds = Number((body as { seconds?: unknown }).seconds);
				if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_OTP_TTL_SECONDS) {
					return { error: `seconds must be a whole number from 1 to ${MAX_OTP_TTL_SECONDS}` };
				}
				state.otpTtlSeconds = seconds;
				return { otpTtlSeconds: seconds };
			},
			/** `{ "seconds": 3600 }`: how long new access tokens live. */
			setTokenLifetime: (body) => {
				const seconds = Number((body as { seconds?: unknown }).seconds);
				if (!Number.isInteger(seconds) || seconds < 1) return { error: 'seconds must be a whole number above 0' };
				state.tokenLifetimeSeconds = seconds;
				return { tokenLifetimeSeconds: seconds };
			},
			/** Makes every code sent so far run out, as if its lifetime had passed. */
			expireOtps: () => {
				const past = new Date(Date.now() - 1000).toISOString();
				for (const sent of state.outbox) sent.expiresAt = past;
				return { expired: state.outbox.length };
			},
			/** Revokes every refresh token, so user grants must log in again. */
			revokeRefreshTokens: () => {
				const revoked = refreshTokens.size;
				refreshTokens.clear();
				return { revoked };
			},
			/** `{ "to": "someone@example.com" }`: the newest code sent there, as the customer would read it. */
			lastCode: (body) => {
				const to = String((body as { to?: unknown }).to ?? '');
				const code = state.outbox.filter((sent) => sameAddress(sent.to, to)).at(-1)?.code;
				return code ? { to, code } : { to, error: 'No code was sent there' };
			},
		},
		routes: [
			{ method: 'POST', path: '/oauth/v2/token', handle: tokenEndpoint },
			{ method: 'POST', path: '/otp/send', handle: sendOtp },
		],
	};
}
