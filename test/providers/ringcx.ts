/**
 * RingCX, on one server:
 *
 * - the legacy portal (Virtual ACD), as documented in provider-docs/ringcx-permanent-api-token.txt, mounted
 *   under `/api` like https://portal.vacd.biz/api/ (`X-Auth-Token`);
 * - RingCX with a RingCentral login, as documented at developers.ringcentral.com/engage/voice/guide/authentication
 *   (ringcentral/engage-voice-api-docs): the exchange of a RingCentral access token at
 *   `/api/auth/login/rc/accesstoken`, rotating refresh tokens at `/api/auth/token/refresh`, 5-minute access tokens,
 *   and the same admin API under `/voice/api` with `Authorization: Bearer`, like https://ringcx.ringcentral.com.
 *
 * Both admin APIs share one store of permanent API tokens; each host sees only its own users' tokens.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import {
	bearerToken,
	json,
	text,
	type ProviderDefinition,
	type ProviderRequest,
	type ProviderResponse,
	type Route,
} from './providerServer';
import { RINGCENTRAL_USERS, type RingCentralPlatform } from './ringcentral';

export interface RingCxAccount {
	userId: number;
	username: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const RINGCX_ACCOUNTS: RingCxAccount[] = [
	// The password has every character a form body must encode.
	{ userId: 1001, username: 'admin@acme.test', password: 'P@ss word&=+%é', firstName: 'Ada', lastName: 'Admin' },
	{ userId: 1002, username: 'agent@acme.test', password: 'agent-password', firstName: 'Alan', lastName: 'Agent' },
];

/** The RingCX main account and sub-account the RingCentral-login users belong to. */
export const RINGCX_RINGCENTRAL_ACCOUNT = { mainAccountId: '333333', accountId: '333334', accountName: 'RingForce' };

export interface RingCxRingCentralUser {
	/** The RingCentral extension that signs in (its token's `owner_id`). */
	rcUserId: number;
	/** The RingCX user (the exchange's `adminId`), owner of the API tokens it mints. */
	userId: number;
	agentId: number;
	username: string;
	firstName: string;
	lastName: string;
	rights: string[];
}

/** RingCX users who sign in through RingCentral, mapped from RINGCENTRAL_USERS (which has one without RingCX). */
export const RINGCX_RINGCENTRAL_USERS = {
	admin: {
		rcUserId: Number(RINGCENTRAL_USERS.admin.extensionId),
		userId: 3001,
		agentId: 111111,
		username: RINGCENTRAL_USERS.admin.email,
		firstName: RINGCENTRAL_USERS.admin.firstName,
		lastName: RINGCENTRAL_USERS.admin.lastName,
		rights: ['ADMIN'],
	},
	agent: {
		rcUserId: Number(RINGCENTRAL_USERS.agent.extensionId),
		userId: 3002,
		agentId: 111112,
		username: RINGCENTRAL_USERS.agent.email,
		firstName: RINGCENTRAL_USERS.agent.firstName,
		lastName: RINGCENTRAL_USERS.agent.lastName,
		rights: ['AGENT'],
	},
} satisfies Record<string, RingCxRingCentralUser>;

const RINGCENTRAL_LOGIN_USERS: RingCxRingCentralUser[] = Object.values(RINGCX_RINGCENTRAL_USERS);

const HOUR = 60 * 60 * 1000;
const TWO_WEEKS = 14 * 24 * HOUR;
/** "RingCX access tokens expire after 5 minutes." */
export const RINGCX_ACCESS_TOKEN_SECONDS = 300;
/** "The token exchange endpoint is limited to 5 requests per minute." */
export const RINGCX_EXCHANGE_RATE_LIMIT = { limit: 5, windowMs: 60_000 };

export interface RingCxOptions {
	/** The RingCentral platform whose access tokens the exchange accepts; also settable with trustRingCentral(). */
	ringCentral?: RingCentralPlatform;
	/** Lifetime of RingCX access tokens from a RingCentral login. */
	accessTokenSeconds?: number;
	exchangeRateLimit?: Partial<typeof RINGCX_EXCHANGE_RATE_LIMIT>;
}

export interface RingCxState {
	loginCount: number;
	failedLoginCount: number;
	/** API tokens minted on either host. */
	mintCount: number;
	apiTokens: Array<{ apiToken: string; userId: number }>;
	ringCentralLogin: {
		exchanges: number;
		refusedExchanges: number;
		rateLimitedExchanges: number;
		refreshes: number;
		refusedRefreshes: number;
		accessTokenSeconds: number;
		exchangeRateLimit: { limit: number; windowMs: number };
	};
}

/** A user as an admin API lists and authenticates them. */
interface AdminUser {
	userId: number;
	username: string;
	firstName: string;
	lastName: string;
	rights: string[];
}

/** One host's admin API: where it is mounted, whom it knows, how it reads a caller. */
interface AdminHost {
	prefix: string;
	users: AdminUser[];
	/** The calling user's id, or the host's refusal. */
	authenticate(request: ProviderRequest): number | ProviderResponse;
}

interface RingCxSession {
	user: RingCxRingCentralUser;
	expiresAt: number;
}

export type RingCxProvider = ProviderDefinition & {
	state: RingCxState;
	apiTokensOf(userId: number): string[];
	/** Makes the exchange accept access tokens of this RingCentral platform. */
	trustRingCentral(platform: RingCentralPlatform): void;
	/** RingCX refresh tokens that would still be accepted, for this RingCX user. */
	refreshTokensOf(userId: number): string[];
};

const LEGACY_USERS: AdminUser[] = RINGCX_ACCOUNTS.map(({ userId, username, firstName, lastName }) => ({
	userId,
	username,
	firstName,
	lastName,
	rights: userId === 1001 ? ['ADMIN'] : ['AGENT'],
}));

/** The RingCX auth service answers in plain text ("Jwt is expired"). */
const authText = (status: number, message: string, headers: Record<string, string> = {}): ProviderResponse => {
	const response = text(status, message, 'text/plain;charset=UTF-8');
	return { ...response, headers: { ...response.headers, ...headers } };
};

/** Spring binds request parameters from the query string and a form body alike. */
function parameters(request: ProviderRequest): Record<string, string> {
	return { ...Object.fromEntries(request.query), ...request.form };
}

function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The permanent API tokens both hosts share, and what to do when they change. */
interface ApiTokenStore {
	tokens: Map<string, number>;
	minted(): void;
	changed(): void;
}

/** The admin API both hosts serve. */
function adminRoutes(host: AdminHost, store: ApiTokenStore): Route[] {
	const apiTokens = store.tokens;
	return [
		{
			method: 'POST',
			path: `${host.prefix}/admin/token`,
			handle: (request) => {
				const userId = host.authenticate(request);
				if (typeof userId !== 'number') return userId;
				// Shaped like the documented example: "aws80:c2353445-bc74-af1a-2850-1d55a371c0a9".
				const apiToken = `aws80:${randomUUID()}`;
				apiTokens.set(apiToken, userId);
				store.minted();
				store.changed();
				return text(200, apiToken);
			},
		},
		{
			method: 'GET',
			path: `${host.prefix}/admin/token`,
			handle: (request) => {
				const userId = host.authenticate(request);
				if (typeof userId !== 'number') return userId;
				return json(
					200,
					[...apiTokens].filter(([, owner]) => owner === userId).map(([token]) => token),
				);
			},
		},
		{
			method: 'DELETE',
			path: `${host.prefix}/admin/token/:apiToken`,
			handle: (request) => {
				const userId = host.authenticate(request);
				if (typeof userId !== 'number') return userId;
				const owner = apiTokens.get(request.params.apiToken);
				if (owner === undefined || owner !== userId) {
					return json(404, { error: 'not_found', message: 'No such API token for this user' });
				}
				apiTokens.delete(request.params.apiToken);
				store.changed();
				return { status: 204 };
			},
		},
		{
			method: 'GET',
			path: `${host.prefix}/admin/users`,
			handle: (request) => {
				const userId = host.authenticate(request);
				if (typeof userId !== 'number') return userId;
				return json(
					200,
					host.users.map(({ userId: id, username, firstName, lastName, rights }) => ({
						userId: id,
						userName: username,
						firstName,
						lastName,
						email: username,
						rights,
					})),
				);
			},
		},
	];
}

export function createRingCx(options: RingCxOptions = {}): RingCxProvider {
	const authTokens = new Map<string, { userId: number; expiresAt: number; extendBy: number }>();
	const apiTokens = new Map<string, number>();
	const sessions = new Map<string, RingCxSession>();
	const refreshTokens = new Map<string, RingCxRingCentralUser>();
	const exchangeHits = new Map<number, number[]>();
	const jwtKey = randomBytes(32);
	let ringCentral = options.ringCentral;
	const state: RingCxState = {
		loginCount: 0,
		failedLoginCount: 0,
		mintCount: 0,
		apiTokens: [],
		ringCentralLogin: {
			exchanges: 0,
			refusedExchanges: 0,
			rateLimitedExchanges: 0,
			refreshes: 0,
			refusedRefreshes: 0,
			accessTokenSeconds: options.accessTokenSeconds ?? RINGCX_ACCESS_TOKEN_SECONDS,
			exchangeRateLimit: { ...RINGCX_EXCHANGE_RATE_LIMIT, ...options.exchangeRateLimit },
		},
	};
	const login = state.ringCentralLogin;

	function syncState(): void {
		state.apiTokens = [...apiTokens].map(([apiToken, userId]) => ({ apiToken, userId }));
	}

	const apiTokenStore: ApiTokenStore = {
		tokens: apiTokens,
		minted: () => state.mintCount++,
		changed: syncState,
	};

	const legacyUnauthorized = (): ProviderResponse =>
		json(401, { error: 'unauthorized', message: 'Invalid or expired X-Auth-Token' });

	const apiTokenOwner = (request: ProviderRequest, users: AdminUser[]): number | undefined => {
		const owner = apiTokens.get(request.headers['x-auth-token']?.trim() ?? '');
		return owner !== undefined && users.some((user) => user.userId === owner) ? owner : undefined;
	};

	const legacyPortal: AdminHost = {
		prefix: '/api/v1',
		users: LEGACY_USERS,
		/** Auth tokens and API tokens are interchangeable; using an auth token extends it. */
		authenticate: (request) => {
			const token = request.headers['x-auth-token']?.trim();
			if (!token) return legacyUnauthorized();
			const permanentOwner = apiTokenOwner(request, LEGACY_USERS);
			if (permanentOwner !== undefined) return permanentOwner;
			const session = authTokens.get(token);
			if (!session || session.expiresAt <= Date.now()) return legacyUnauthorized();
			session.expiresAt = Date.now() + session.extendBy;
			return session.userId;
		},
	};

	const ringCxHostUsers: AdminUser[] = RINGCENTRAL_LOGIN_USERS;
	const ringCxHost: AdminHost = {
		prefix: '/voice/api/v1',
		users: ringCxHostUsers,
		/** A RingCX access token as a bearer token, or a permanent API token as X-Auth-Token (documented for both). */
		authenticate: (request) => {
			const accessToken = bearerToken(request);
			if (accessToken) {
				const session = sessions.get(accessToken);
				if (!session) return authText(401, 'Jwt is invalid');
				if (session.expiresAt <= Date.now()) return authText(401, 'Jwt is expired');
				return session.user.userId;
			}
			return apiTokenOwner(request, ringCxHostUsers) ?? authText(401, 'Jwt is invalid');
		},
	};

	/** A JWT like RingCX's own, so a client may read its `exp`; the server still decides by its own records. */
	function accessTokenFor(user: RingCxRingCentralUser): string {
		const now = Math.floor(Date.now() / 1000);
		const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({
			sub: String(user.userId),
			rcUserId: String(user.rcUserId),
			iat: now,
			exp: now + login.accessTokenSeconds,
			jti: randomUUID(),
		})}`;
		const accessToken = `${unsigned}.${createHmac('sha256', jwtKey).update(unsigned).digest('base64url')}`;
		sessions.set(accessToken, { user, expiresAt: Date.now() + login.accessTokenSeconds * 1000 });
		return accessToken;
	}

	/** The documented AccessTokenUserDetails body (code-samples/auth/rc-auth-response.json). */
	function tokenDetails(user: RingCxRingCentralUser, includeRefresh: boolean): Record<string, unknown> {
		let refreshToken: string | null = null;
		if (includeRefresh) {
			refreshToken = randomUUID();
			refreshTokens.set(refreshToken, user);
		}
		return {
			refreshToken,
			accessToken: accessTokenFor(user),
			tokenType: 'Bearer',
			mainAccountId: RINGCX_RINGCENTRAL_ACCOUNT.mainAccountId,
			agentDetails: [
				{
					agentId: user.agentId,
					firstName: user.firstName,
					lastName: user.lastName,
					email: user.username,
					username: user.username,
					agentType: 'AGENT',
					rcUserId: user.rcUserId,
					accountId: RINGCX_RINGCENTRAL_ACCOUNT.accountId,
					accountName: RINGCX_RINGCENTRAL_ACCOUNT.accountName,
					agentGroupId: null,
					allowLoginControl: true,
					allowLoginUpdates: true,
				},
			],
			adminId: user.userId,
			adminUrl: '/voice/admin/',
			agentUrl: '/voice/agent/',
			ssoLogin: true,
		};
	}

	/** Seconds until the exchange takes another request for this RingCentral user, 0 when it takes this one. */
	function exchangeWait(rcUserId: number): number {
		const { limit, windowMs } = login.exchangeRateLimit;
		const now = Date.now();
		const hits = (exchangeHits.get(rcUserId) ?? []).filter((at) => at > now - windowMs);
		exchangeHits.set(rcUserId, hits);
		if (hits.length >= limit) return Math.max(1, Math.ceil((hits[0] + windowMs - now) / 1000));
		hits.push(now);
		return 0;
	}

	function exchange(request: ProviderRequest): ProviderResponse {
		const fields = parameters(request);
		const owner =
			(fields.rcTokenType ?? '').toLowerCase() === 'bearer'
				? ringCentral?.ownerOfAccessToken(fields.rcAccessToken ?? '')
				: undefined;
		if (!owner) {
			login.refusedExchanges++;
			return authText(401, 'Invalid RingCentral access token');
		}
		const rcUserId = Number(owner.extensionId);
		const wait = exchangeWait(rcUserId);
		if (wait > 0) {
			login.rateLimitedExchanges++;
			return authText(429, 'Too Many Requests', { 'Retry-After': String(wait) });
		}
		const user = RINGCENTRAL_LOGIN_USERS.find((candidate) => candidate.rcUserId === rcUserId);
		if (!user) {
			login.refusedExchanges++;
			return authText(403, 'No RingCX user is linked to this RingCentral user');
		}
		login.exchanges++;
		return json(200, tokenDetails(user, (request.query.get('includeRefresh') ?? '').toLowerCase() === 'true'));
	}

	function refresh(request: ProviderRequest): ProviderResponse {
		const presented = parameters(request).refresh_token ?? '';
		const user = refreshTokens.get(presented);
		// Single use: the answer carries its successor.
		refreshTokens.delete(presented);
		if (!user) {
			login.refusedRefreshes++;
			return authText(401, 'Invalid refresh token');
		}
		login.refreshes++;
		return json(200, tokenDetails(user, true));
	}

	const setAccessTokenLifetime = (seconds: number) => {
		if (Number.isFinite(seconds) && seconds > 0) login.accessTokenSeconds = seconds;
	};

	return {
		name: 'ringcx',
		state,
		apiTokensOf: (userId) => [...apiTokens].filter(([, owner]) => owner === userId).map(([token]) => token),
		trustRingCentral: (platform) => {
			ringCentral = platform;
		},
		refreshTokensOf: (userId) =>
			[...refreshTokens].filter(([, user]) => user.userId === userId).map(([token]) => token),
		// Legacy auth tokens end; RingCX access tokens run out (their refresh tokens and API tokens outlive them).
		expireAllTokens: () => {
			authTokens.clear();
			for (const session of sessions.values()) session.expiresAt = 0;
		},
		snapshot: () => ({
			...state,
			accounts: RINGCX_ACCOUNTS.map(({ username, password }) => ({ username, password })),
			ringCentralLoginUsers: RINGCENTRAL_LOGIN_USERS.map(({ rcUserId, userId, username }) => ({
				rcUserId,
				userId,
				username,
			})),
		}),
		actions: {
			/** Revokes every permanent token, as an administrator cleaning up would. */
			revokeApiTokens: () => {
				apiTokens.clear();
				syncState();
				return { revoked: true };
			},
			/** Refuses every RingCX refresh token from now on. */
			revokeRefreshTokens: () => {
				const revoked = refreshTokens.size;
				refreshTokens.clear();
				return { revoked };
			},
			/** `{ "seconds": 2 }`: how long RingCX access tokens issued from now on live. */
			setAccessTokenLifetime: (body) => {
				setAccessTokenLifetime(Number((body as { seconds?: unknown }).seconds));
				return { accessTokenSeconds: login.accessTokenSeconds };
			},
			/** Forgets the exchanges counted against the rate limit. */
			resetRateLimits: () => {
				exchangeHits.clear();
				return { reset: true };
			},
		},
		routes: [
			{
				method: 'POST',
				path: '/api/v1/auth/login',
				handle: (request) => {
					if (request.contentType !== 'application/x-www-form-urlencoded') {
						return json(415, { error: 'unsupported_media_type', message: 'Send username and password form-encoded' });
					}
					const { username, password, stayLoggedIn } = request.form ?? {};
					if (!username || !password) {
						return json(400, { error: 'missing_parameter', message: 'username and password are required' });
					}
					const account = RINGCX_ACCOUNTS.find(
						(candidate) => candidate.username === username && candidate.password === password,
					);
					if (!account) {
						state.failedLoginCount++;
						return json(401, { error: 'invalid_credentials', message: 'Invalid username or password' });
					}
					state.loginCount++;
					const authToken = randomUUID();
					const extendBy = stayLoggedIn === 'true' ? TWO_WEEKS : HOUR;
					authTokens.set(authToken, { userId: account.userId, expiresAt: Date.now() + extendBy, extendBy });
					return json(200, { authToken, userId: account.userId, username: account.username });
				},
			},
			...adminRoutes(legacyPortal, apiTokenStore),
			{ method: 'POST', path: '/api/auth/login/rc/accesstoken', handle: exchange },
			{ method: 'POST', path: '/api/auth/token/refresh', handle: refresh },
			...adminRoutes(ringCxHost, apiTokenStore),
		],
	};
}
