/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- not shipped: runs in Node, not inside n8n */
/**
 * The RingCentral platform (RingEX) sign-in that RingCX's "RingCentral login" starts with, as documented at
 * developers.ringcentral.com: `POST /restapi/oauth/token` with the JWT grant (guide/authentication/jwt-flow) and
 * the app's client id and secret in a Basic header, rotating single-use refresh tokens
 * (guide/authentication/tokens), the "Auth" usage-plan rate limit of 5 requests per user per minute with its
 * penalty interval (guide/basics/rate-limits) and the OAuth error bodies with RingCentral error codes
 * (guide/basics/errors).
 *
 * RingCX's exchange validates a RingCentral access token by asking RingCentral who owns it; here it asks this
 * provider in-process, through `ownerOfAccessToken` (see `createRingCx({ ringCentral })`).
 */
import { createHmac } from 'node:crypto';

import {
	json,
	randomToken,
	type ProviderDefinition,
	type ProviderRequest,
	type ProviderResponse,
} from './providerServer';

export interface RingCentralApp {
	name: string;
	clientId: string;
	clientSecret: string;
}

/** The app a RingCX integration registers in the Developer Console: JWT auth flow, refresh tokens issued. */
export const RINGCENTRAL_APP: RingCentralApp = {
	name: 'RingCX for n8n (demo)',
	clientId: 'Rcx8n8nDemoAppClient01',
	clientSecret: 'Rcx8n8nDemoSecretHy7Ks2Lm9Qw4Ez6Tb1Nv3Pj5',
};

export const RINGCENTRAL_ACCOUNT_ID = '37439510';

export interface RingCentralUser {
	/** The user's extension id: the token's `owner_id`, RingCX's `rcUserId`. */
	extensionId: string;
	accountId: string;
	email: string;
	firstName: string;
	lastName: string;
}

export const RINGCENTRAL_USERS = {
	/** Signs in to RingCX as an administrator. */
	admin: {
		extensionId: '62264425016',
		accountId: RINGCENTRAL_ACCOUNT_ID,
		email: 'grace.hopper@ringforce.test',
		firstName: 'Grace',
		lastName: 'Hopper',
	},
	/** Signs in to RingCX as an agent. */
	agent: {
		extensionId: '62264426016',
		accountId: RINGCENTRAL_ACCOUNT_ID,
		email: 'john.wang@ringforce.test',
		firstName: 'John',
		lastName: 'Wang',
	},
	/** A RingEX user with no RingCX seat: RingCentral signs them in, RingCX's exchange refuses them. */
	noRingCx: {
		extensionId: '62264427016',
		accountId: RINGCENTRAL_ACCOUNT_ID,
		email: 'sam.sales@ringforce.test',
		firstName: 'Sam',
		lastName: 'Sales',
	},
} satisfies Record<string, RingCentralUser>;

const ALL_USERS: RingCentralUser[] = Object.values(RINGCENTRAL_USERS);

const PLATFORM = 'https://platform.ringcentral.com';
/** 2092-08-15: JWT credentials made with "never expires". */
const NEVER_EXPIRES = 3_869_392_461;

function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A JWT credential as the Developer Console makes one. The signature is the console's business; the
 * token endpoint recognises its own credentials, so a fixed key keeps the constants the same in every run.
 */
function demoJwt(name: string, extensionId: string, expiresAt: number): string {
	const unsigned = `${base64url({ typ: 'JWT', alg: 'RS256' })}.${base64url({
		aud: `${PLATFORM}/restapi/oauth/token`,
		sub: extensionId,
		iss: PLATFORM,
		exp: expiresAt,
		iat: 1_721_908_814,
		jti: `demo-${name}`,
	})}`;
	return `${unsigned}.${createHmac('sha256', 'bundled demo credentials').update(unsigned).digest('base64url')}`;
}

/** JWT credentials, by what they are for. */
export const RINGCENTRAL_JWTS = {
	admin: demoJwt('admin', RINGCENTRAL_USERS.admin.extensionId, NEVER_EXPIRES),
	agent: demoJwt('agent', RINGCENTRAL_USERS.agent.extensionId, NEVER_EXPIRES),
	noRingCx: demoJwt('noRingCx', RINGCENTRAL_USERS.noRingCx.extensionId, NEVER_EXPIRES),
	/** Made with an expiry date that has passed (2024-01-01). */
	expired: demoJwt('expired', RINGCENTRAL_USERS.admin.extensionId, 1_704_067_200),
	/** Revoked in the Developer Console. */
	revoked: demoJwt('revoked', RINGCENTRAL_USERS.admin.extensionId, NEVER_EXPIRES),
};

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The documented default (and maximum) access token lifetime; `access_token_ttl` may ask for 600 to 3600. */
export const RINGCENTRAL_ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 604_800;
/** What the app's JWT flow is granted: RingCX needs only ReadAccounts. */
const SCOPE = 'ReadAccounts';

export interface AuthRateLimit {
	/** Token requests a user may make through one app within the window ("Auth" group: 5). */
	limit: number;
	/** The sliding window, 60 s at RingCentral; shorter in tests. */
	windowMs: number;
	/** How long requests are refused once the limit is hit; every refused request starts it again. */
	penaltyMs: number;
}

export const RINGCENTRAL_AUTH_RATE_LIMIT: AuthRateLimit = { limit: 5, windowMs: 60_000, penaltyMs: 60_000 };

export interface RingCentralOptions {
	authRateLimit?: Partial<AuthRateLimit>;
}

/** Who a valid RingCentral access token belongs to, as RingCX learns it from RingCentral. */
export interface RingCentralTokenOwner {
	extensionId: string;
	accountId: string;
	clientId: string;
}

/** What RingCX needs from the RingCentral platform it trusts. */
export interface RingCentralPlatform {
	/** The owner of a RingCentral access token that is still valid; undefined for unknown or expired ones. */
	ownerOfAccessToken(accessToken: string): RingCentralTokenOwner | undefined;
}

export interface RingCentralState {
	jwtGrants: number;
	refreshGrants: number;
	/** Token requests refused with 400/401 (bad client, bad JWT, bad refresh token...). */
	refusedGrants: number;
	/** Token requests refused with 429. */
	rateLimited: number;
	authRateLimit: AuthRateLimit;
	revokedJwts: string[];
}

interface Session {
	extensionId: string;
	clientId: string;
	accessToken: string;
}

interface AccessGrant extends Session {
	expiresAt: number;
}

interface RateBucket {
	hits: number[];
	penaltyUntil: number;
}

export type RingCentralProvider = ProviderDefinition &
	RingCentralPlatform & {
		state: RingCentralState;
		setAuthRateLimit(limit: Partial<AuthRateLimit>): void;
		/** Forgets every request counted so far, as if a quiet minute had passed. */
		resetRateLimits(): void;
		/** Refresh tokens that would still be accepted, for this extension. */
		refreshTokensOf(extensionId: string): string[];
	};

/** An OAuth error body the way RingCentral writes it: RFC 6749 fields plus its own `errors` list. */
function oauthError(
	status: number,
	error: string,
	description: string,
	errorCode?: string,
	extra: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): ProviderResponse {
	const body: Record<string, unknown> = { error };
	if (errorCode) body.errors = [{ errorCode, message: description, ...extra }];
	body.error_description = description;
	return json(status, body, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
}

/** The client id and secret of an `Authorization: Basic …` header. */
function basicCredentials(request: ProviderRequest): { clientId: string; clientSecret: string } | undefined {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

function jwtExpiry(jwt: string): number {
	const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
	return payload.exp * 1000;
}

export function createRingCentral(options: RingCentralOptions = {}): RingCentralProvider {
	const accessTokens = new Map<string, AccessGrant>();
	const refreshTokens = new Map<string, Session>();
	const buckets = new Map<string, RateBucket>();
	const jwtOwners = new Map<string, string>([
		[RINGCENTRAL_JWTS.admin, RINGCENTRAL_USERS.admin.extensionId],
		[RINGCENTRAL_JWTS.agent, RINGCENTRAL_USERS.agent.extensionId],
		[RINGCENTRAL_JWTS.noRingCx, RINGCENTRAL_USERS.noRingCx.extensionId],
		[RINGCENTRAL_JWTS.expired, RINGCENTRAL_USERS.admin.extensionId],
		[RINGCENTRAL_JWTS.revoked, RINGCENTRAL_USERS.admin.extensionId],
	]);
	const state: RingCentralState = {
		jwtGrants: 0,
		refreshGrants: 0,
		refusedGrants: 0,
		rateLimited: 0,
		authRateLimit: { ...RINGCENTRAL_AUTH_RATE_LIMIT, ...options.authRateLimit },
		revokedJwts: [RINGCENTRAL_JWTS.revoked],
	};

	const refuse = (response: ProviderResponse): ProviderResponse => {
		state.refusedGrants++;
		return response;
	};

	/**
	 * Counts a token request against the (user, app) pair's "Auth" bucket. Rate limits are applied before the
	 * request is looked at further, so refused sign-ins count too.
	 */
	function admit(
		extensionId: string,
		clientId: string,
	): { headers: Record<string, string>; refusal?: ProviderResponse } {
		const { limit, windowMs, penaltyMs } = state.authRateLimit;
		const now = Date.now();
		const key = `${clientId}\n${extensionId}`;
		const bucket = buckets.get(key) ?? { hits: [], penaltyUntil: 0 };
		buckets.set(key, bucket);
		bucket.hits = bucket.hits.filter((at) => at > now - windowMs);
		const windowSeconds = String(Math.max(1, Math.ceil(windowMs / 1000)));
		const limitHeaders = {
			'X-Rate-Limit-Group': 'auth',
			'X-Rate-Limit-Limit': String(limit),
			'X-Rate-Limit-Window': windowSeconds,
		};
		if (bucket.penaltyUntil > now || bucket.hits.length >= limit) {
			bucket.penaltyUntil = now + penaltyMs;
			state.rateLimited++;
			const message = 'Request rate exceeded';
			return {
				headers: limitHeaders,
				refusal: json(
					429,
					{ errorCode: 'CMN-301', message, errors: [{ errorCode: 'CMN-301', message }] },
					{
						'Content-Type': 'application/json;charset=UTF-8',
						'Retry-After': String(Math.max(1, Math.ceil(penaltyMs / 1000))),
						...limitHeaders,
						'X-Rate-Limit-Remaining': '0',
					},
				),
			};
		}
		bucket.hits.push(now);
		return { headers: { ...limitHeaders, 'X-Rate-Limit-Remaining': String(limit - bucket.hits.length) } };
	}

	function issueTokens(extensionId: string, clientId: string, form: Record<string, string>): Record<string, unknown> {
		const requestedTtl = Number(form.access_token_ttl);
		const expiresIn =
			Number.isInteger(requestedTtl) && requestedTtl >= 600 && requestedTtl <= RINGCENTRAL_ACCESS_TOKEN_SECONDS
				? requestedTtl
				: RINGCENTRAL_ACCESS_TOKEN_SECONDS;
		const accessToken = `U0pDMDFQMDFKV1MwMXw${randomToken(30, 'base64url')}`;
		const refreshToken = `U0pDMDFQMDFKV1MwMXw${randomToken(30, 'base64url')}`;
		accessTokens.set(accessToken, { extensionId, clientId, accessToken, expiresAt: Date.now() + expiresIn * 1000 });
		refreshTokens.set(refreshToken, { extensionId, clientId, accessToken });
		return {
			access_token: accessToken,
			token_type: 'bearer',
			expires_in: expiresIn,
			refresh_token: refreshToken,
			refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
			scope: SCOPE,
			owner_id: extensionId,
			endpoint_id: form.endpoint_id || randomToken(16, 'base64url'),
		};
	}

	function tokenEndpoint(request: ProviderRequest): ProviderResponse {
		// The token endpoint reads form bodies only; anything else arrives as no parameters at all.
		const form = request.contentType === 'application/x-www-form-urlencoded' ? (request.form ?? {}) : {};
		const grantType = form.grant_type ?? '';
		if (grantType !== JWT_BEARER && grantType !== 'refresh_token') {
			return refuse(oauthError(400, 'unsupported_grant_type', 'Unsupported grant type'));
		}
		const presented = grantType === JWT_BEARER ? (form.assertion ?? '') : (form.refresh_token ?? '');
		const extensionId = grantType === JWT_BEARER ? jwtOwners.get(presented) : refreshTokens.get(presented)?.extensionId;
		const client = basicCredentials(request);

		let limitHeaders: Record<string, string> = {};
		if (extensionId !== undefined) {
			const admitted = admit(extensionId, client?.clientId ?? '');
			if (admitted.refusal) return admitted.refusal;
			limitHeaders = admitted.headers;
		}
		const withLimits = (response: ProviderResponse): ProviderResponse => ({
			...response,
			headers: { ...response.headers, ...limitHeaders },
		});

		if (!client) {
			return refuse(withLimits(oauthError(401, 'invalid_client', 'Client authentication is required', 'OAU-123')));
		}
		if (client.clientId !== RINGCENTRAL_APP.clientId || client.clientSecret !== RINGCENTRAL_APP.clientSecret) {
			const description = `Invalid client: ${client.clientId}`;
			return refuse(
				withLimits(
					oauthError(
						400,
						'invalid_client',
						description,
						'OAU-153',
						{ parameters: [{ parameterName: 'client_id', parameterValue: client.clientId }] },
						{
							'WWW-Authenticate': `Bearer realm="RingCentral REST API", error="invalid_client", error_description="${description}"`,
						},
					),
				),
			);
		}

		if (grantType === JWT_BEARER) {
			if (!presented) return refuse(withLimits(oauthError(400, 'invalid_request', 'Assertion is required')));
			if (extensionId === undefined || state.revokedJwts.includes(presented)) {
				return refuse(withLimits(oauthError(400, 'invalid_grant', 'Invalid resource owner credentials', 'OAU-140')));
			}
			if (jwtExpiry(presented) <= Date.now()) {
				return refuse(withLimits(oauthError(400, 'invalid_grant', 'Token expired', 'OAU-210')));
			}
			state.jwtGrants++;
			return withLimits(
				json(200, issueTokens(extensionId, client.clientId, form), {
					'Content-Type': 'application/json;charset=UTF-8',
				}),
			);
		}

		const session = refreshTokens.get(presented);
		// Single use: a refresh token is gone once presented, and the access token issued with it ends too.
		refreshTokens.delete(presented);
		if (!session || session.clientId !== client.clientId) {
			return refuse(withLimits(oauthError(400, 'invalid_grant', 'Token not found', 'OAU-213')));
		}
		accessTokens.delete(session.accessToken);
		state.refreshGrants++;
		return withLimits(
			json(200, issueTokens(session.extensionId, client.clientId, form), {
				'Content-Type': 'application/json;charset=UTF-8',
			}),
		);
	}

	const setAuthRateLimit = (limit: Partial<AuthRateLimit>) => {
		for (const key of ['limit', 'windowMs', 'penaltyMs'] as const) {
			const value = limit[key];
			if (typeof value === 'number' && Number.isFinite(value) && value >= 0) state.authRateLimit[key] = value;
		}
	};

	return {
		name: 'ringcentral',
		state,
		ownerOfAccessToken: (accessToken) => {
			const grant = accessTokens.get(accessToken);
			if (!grant || grant.expiresAt <= Date.now()) return undefined;
			const user = ALL_USERS.find((candidate) => candidate.extensionId === grant.extensionId)!;
			return { extensionId: grant.extensionId, accountId: user.accountId, clientId: grant.clientId };
		},
		setAuthRateLimit,
		resetRateLimits: () => buckets.clear(),
		refreshTokensOf: (extensionId) =>
			[...refreshTokens].filter(([, session]) => session.extensionId === extensionId).map(([token]) => token),
		// Access tokens run out; refresh tokens (a week) and JWT credentials outlive them.
		expireAllTokens: () => {
			for (const grant of accessTokens.values()) grant.expiresAt = 0;
		},
		snapshot: () => ({
			...state,
			activeAccessTokens: [...accessTokens.values()].filter((grant) => grant.expiresAt > Date.now()).length,
			activeRefreshTokens: refreshTokens.size,
			app: RINGCENTRAL_APP,
			users: ALL_USERS,
			jwts: RINGCENTRAL_JWTS,
		}),
		actions: {
			/** `{ "limit": 5, "windowMs": 60000, "penaltyMs": 60000 }`, any of them. */
			setAuthRateLimit: (body) => {
				setAuthRateLimit(body as Partial<AuthRateLimit>);
				return { authRateLimit: state.authRateLimit };
			},
			resetRateLimits: () => {
				buckets.clear();
				return { reset: true };
			},
			/** `{ "jwt": "…" }`: revokes a JWT credential, as its owner would in the Developer Console. */
			revokeJwt: (body) => {
				const jwt = String((body as { jwt?: unknown }).jwt ?? '');
				if (!jwtOwners.has(jwt)) return { error: 'No such JWT credential' };
				if (!state.revokedJwts.includes(jwt)) state.revokedJwts.push(jwt);
				return { revoked: true };
			},
			/** Ends every session's refresh token, as a password change or "log out of all apps" would. */
			revokeRefreshTokens: () => {
				const revoked = refreshTokens.size;
				refreshTokens.clear();
				return { revoked };
			},
		},
		routes: [{ method: 'POST', path: '/restapi/oauth/token', handle: tokenEndpoint }],
	};
}
