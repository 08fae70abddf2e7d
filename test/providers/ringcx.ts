/**
 * RingCX legacy portal (Virtual ACD), as documented in provider-docs/ringcx-permanent-api-token.txt.
 * Mounted under `/api`, like https://portal.vacd.biz/api/.
 */
import { randomUUID } from 'node:crypto';

import { json, text, type ProviderDefinition, type ProviderRequest, type ProviderResponse } from './providerServer';

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

const HOUR = 60 * 60 * 1000;
const TWO_WEEKS = 14 * 24 * HOUR;

export interface RingCxState {
	loginCount: number;
	failedLoginCount: number;
	mintCount: number;
	apiTokens: Array<{ apiToken: string; userId: number }>;
}

export function createRingCx(): ProviderDefinition & { state: RingCxState; apiTokensOf(userId: number): string[] } {
	const authTokens = new Map<string, { userId: number; expiresAt: number; extendBy: number }>();
	const apiTokens = new Map<string, number>();
	const state: RingCxState = { loginCount: 0, failedLoginCount: 0, mintCount: 0, apiTokens: [] };

	const unauthorized = (): ProviderResponse =>
		json(401, { error: 'unauthorized', message: 'Invalid or expired X-Auth-Token' });

	/** Auth tokens and API tokens are interchangeable; using an auth token extends it. */
	function authenticate(request: ProviderRequest): number | undefined {
		const token = request.headers['x-auth-token']?.trim();
		if (!token) return undefined;
		const permanentOwner = apiTokens.get(token);
		if (permanentOwner !== undefined) return permanentOwner;
		const session = authTokens.get(token);
		if (!session || session.expiresAt <= Date.now()) return undefined;
		session.expiresAt = Date.now() + session.extendBy;
		return session.userId;
	}

	function syncState(): void {
		state.apiTokens = [...apiTokens].map(([apiToken, userId]) => ({ apiToken, userId }));
	}

	return {
		name: 'ringcx',
		state,
		apiTokensOf: (userId) => [...apiTokens].filter(([, owner]) => owner === userId).map(([token]) => token),
		expireAllTokens: () => authTokens.clear(),
		snapshot: () => ({ ...state, accounts: RINGCX_ACCOUNTS.map(({ username, password }) => ({ username, password })) }),
		actions: {
			/** Revokes every permanent token, as an administrator cleaning up would. */
			revokeApiTokens: () => {
				apiTokens.clear();
				syncState();
				return { revoked: true };
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
			{
				method: 'POST',
				path: '/api/v1/admin/token',
				handle: (request) => {
					const userId = authenticate(request);
					if (userId === undefined) return unauthorized();
					// Shaped like the documented example: "aws80:c2353445-bc74-af1a-2850-1d55a371c0a9".
					const apiToken = `aws80:${randomUUID()}`;
					apiTokens.set(apiToken, userId);
					state.mintCount++;
					syncState();
					return text(200, apiToken);
				},
			},
			{
				method: 'GET',
				path: '/api/v1/admin/token',
				handle: (request) => {
					const userId = authenticate(request);
					if (userId === undefined) return unauthorized();
					return json(
						200,
						[...apiTokens].filter(([, owner]) => owner === userId).map(([token]) => token),
					);
				},
			},
			{
				method: 'DELETE',
				path: '/api/v1/admin/token/:apiToken',
				handle: (request) => {
					const userId = authenticate(request);
					if (userId === undefined) return unauthorized();
					const owner = apiTokens.get(request.params.apiToken);
					if (owner === undefined || owner !== userId) {
						return json(404, { error: 'not_found', message: 'No such API token for this user' });
					}
					apiTokens.delete(request.params.apiToken);
					syncState();
					return { status: 204 };
				},
			},
			{
				method: 'GET',
				path: '/api/v1/admin/users',
				handle: (request) => {
					if (authenticate(request) === undefined) return unauthorized();
					return json(
						200,
						RINGCX_ACCOUNTS.map(({ userId, username, firstName, lastName }) => ({
							userId,
							userName: username,
							firstName,
							lastName,
							email: username,
							rights: userId === 1001 ? ['ADMIN'] : ['AGENT'],
						})),
					);
				},
			},
		],
	};
}
