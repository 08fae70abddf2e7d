/**
 * Viafoura's OAuth 2.0 login integration, as documented in
 * provider-docs/viafoura-oauth2-integration.txt:
 *
 *   POST /oauth2/token              HTTP Basic (site ID : API key), form `grant_type=client_credentials`
 *                                   and `scope=accounts`; answers `{access_token, token_type, expires_in, scope}`.
 *   POST /rest/v1/accounts/login    Bearer token; form `id` (the publisher's own user ID, required),
 *                                   `name` (required), `email` (optional). Creates the user on the first
 *                                   login for that `id`, updates name and email on later ones, keeps the
 *                                   same `user_id`, and answers a new `session` each time.
 *   POST /rest/v1/accounts/logout   Bearer token; form `session` (required). Ends that session.
 *
 * What the documentation does not say, and this server decides (consistently):
 *   - errors are JSON `{error, message}`, the `error` code naming what is wrong
 *     (`missing_id`, `missing_name`, `missing_session`);
 *   - a bad or expired access token answers 401 `invalid_token` (RFC 6750), a token without the
 *     `accounts` scope 403 `insufficient_scope`;
 *   - logging out a session that is unknown, already ended or expired answers 404 `session_not_found`;
 *   - a successful logout answers 200 `{}` (the documentation shows no body; nothing should rely on one);
 *   - bodies must be form-encoded, as in the documented curl calls (`-d`), else 415.
 * Access tokens are base64 like the documented `9MRSxm+GZwLfRKLn1luFrJvUP5A=` and always contain
 * `+`, `/` and `=`, so any client that mangles them in a header fails here.
 */
import { randomBytes } from 'node:crypto';

import {
	bearerToken,
	json,
	type ProviderDefinition,
	type ProviderRequest,
	type ProviderResponse,
} from './providerServer';

/** A publisher site the demo and tests use. The key has characters a Basic header must carry intact. */
export const VIAFOURA_SITE = { siteId: '00000000-0000-4000-8000-00000000c0de', apiKey: 'vf-key:Zq+7/w=P@ss word' };

/** Documented: tokens live an hour. */
export const VIAFOURA_TOKEN_LIFETIME_SECONDS = 3600;
/** Documented: sessions expire after 12 hours without activity. */
const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** The first `user_id` handed out, the documented example's. */
const FIRST_USER_ID = 7000000003119;

export interface ViafouraUser {
	user_id: number;
	/** The publisher's own user ID (`id` at login). */
	id: string;
	name: string;
	email?: string;
	loginCount: number;
}

export interface ViafouraState {
	tokenRequestCount: number;
	/** Token requests refused (wrong site ID/key, bad grant or scope). */
	refusedTokenRequestCount: number;
	loginCount: number;
	logoutCount: number;
}

interface IssuedToken {
	siteId: string;
	scopes: string[];
	expiresAt: number;
	valid: boolean;
}

interface Session {
	userId: number;
	lastUsedAt: number;
}

function unauthorizedClient(): ProviderResponse {
	return json(
		401,
		{ error: 'invalid_client', error_description: 'Client authentication failed' },
		{ 'WWW-Authenticate': 'Basic realm="Viafoura"' },
	);
}

function invalidToken(): ProviderResponse {
	return json(
		401,
		{ error: 'invalid_token', error_description: 'The access token is missing, invalid or expired' },
		{ 'WWW-Authenticate': 'Bearer realm="Viafoura", error="invalid_token"' },
	);
}

/** Site ID and API key from `Authorization: Basic …`, or undefined when the header is not Basic. */
function basicCredentials(request: ProviderRequest): { siteId: string; apiKey: string } | undefined {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { siteId: decoded.slice(0, colon), apiKey: decoded.slice(colon + 1) };
}

/** 20 random bytes in base64 (28 characters ending in `=`), redrawn until it has a `+` and a `/`. */
function accessTokenText(): string {
	for (;;) {
		const token = randomBytes(20).toString('base64');
		if (token.includes('+') && token.includes('/')) return token;
	}
}

/** 26 lowercase letters and digits, like the documented `o52l4itrv8q4p8n4amsou1c567`. */
function sessionText(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(26), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function createViafoura(): ProviderDefinition & {
	state: ViafouraState;
	users(): ViafouraUser[];
	liveSessions(): Array<{ session: string; user_id: number }>;
	/** Makes every token issued so far invalid once `count` more login requests have been answered. */
	expireTokensAfterLogins(count: number): void;
} {
	const tokens = new Map<string, IssuedToken>();
	const usersById = new Map<string, ViafouraUser>();
	const sessions = new Map<string, Session>();
	const state: ViafouraState = { tokenRequestCount: 0, refusedTokenRequestCount: 0, loginCount: 0, logoutCount: 0 };
	let nextUserId = FIRST_USER_ID;
	let loginsUntilExpiry: number | undefined;

	function expireAllTokens(): void {
		for (const token of tokens.values()) token.valid = false;
	}

	/** The token's record when the request carries a valid one; a 401/403 answer otherwise. */
	function authorize(request: ProviderRequest): ProviderResponse | undefined {
		const token = tokens.get(bearerToken(request) ?? '');
		if (!token || !token.valid || token.expiresAt <= Date.now()) return invalidToken();
		if (!token.scopes.includes('accounts')) {
			return json(403, { error: 'insufficient_scope', error_description: 'The token lacks the accounts scope' });
		}
		return undefined;
	}

	function formOf(request: ProviderRequest): { form: Record<string, string> } | { refused: ProviderResponse } {
		if (request.contentType !== 'application/x-www-form-urlencoded') {
			return { refused: json(415, { error: 'unsupported_media_type', message: 'Send the parameters form-encoded' }) };
		}
		return { form: request.form ?? {} };
	}

	function liveSession(session: string): Session | undefined {
		const found = sessions.get(session);
		if (found && Date.now() - found.lastUsedAt > SESSION_IDLE_MS) {
			sessions.delete(session);
			return undefined;
		}
		return found;
	}

	function countLogin(): void {
		state.loginCount++;
		if (loginsUntilExpiry === undefined) return;
		loginsUntilExpiry--;
		if (loginsUntilExpiry <= 0) {
			loginsUntilExpiry = undefined;
			expireAllTokens();
		}
	}

	const users = (): ViafouraUser[] => [...usersById.values()].map((user) => ({ ...user }));
	const liveSessions = () =>
		[...sessions.keys()]
			.filter((session) => liveSession(session) !== undefined)
			.map((session) => ({ session, user_id: sessions.get(session)!.userId }));

	return {
		name: 'viafoura',
		state,
		users,
		liveSessions,
		expireAllTokens,
		expireTokensAfterLogins: (count) => {
			loginsUntilExpiry = count;
		},
		snapshot: () => ({
			...state,
			validTokenCount: [...tokens.values()].filter((token) => token.valid && token.expiresAt > Date.now()).length,
			users: users(),
			liveSessions: liveSessions(),
			site: VIAFOURA_SITE,
		}),
		actions: {
			/** `{count}`: every token stops working once `count` more login requests have been answered. */
			expireTokensAfterLogins: (body) => {
				const count = Number((body as { count?: unknown } | undefined)?.count);
				if (!Number.isInteger(count) || count < 1) return { error: 'count must be a positive integer' };
				loginsUntilExpiry = count;
				return { expiresAfterLogins: count };
			},
		},
		routes: [
			{
				method: 'POST',
				path: '/oauth2/token',
				handle: (request) => {
					state.tokenRequestCount++;
					const client = basicCredentials(request);
					if (!client || client.siteId !== VIAFOURA_SITE.siteId || client.apiKey !== VIAFOURA_SITE.apiKey) {
						state.refusedTokenRequestCount++;
						return unauthorizedClient();
					}
					const body = formOf(request);
					if ('refused' in body) {
						state.refusedTokenRequestCount++;
						return body.refused;
					}
					const { form } = body;
					if (form.grant_type !== 'client_credentials') {
						state.refusedTokenRequestCount++;
						return json(400, {
							error: 'unsupported_grant_type',
							error_description: 'Only grant_type=client_credentials is supported',
						});
					}
					const scopes = (form.scope ?? '').split(' ').filter((scope) => scope !== '');
					if (!scopes.includes('accounts') || scopes.some((scope) => scope !== 'accounts')) {
						state.refusedTokenRequestCount++;
						return json(400, { error: 'invalid_scope', error_description: 'The scope must be accounts' });
					}
					const accessToken = accessTokenText();
					tokens.set(accessToken, {
						siteId: client.siteId,
						scopes,
						expiresAt: Date.now() + VIAFOURA_TOKEN_LIFETIME_SECONDS * 1000,
						valid: true,
					});
					return json(
						200,
						{
							access_token: accessToken,
							token_type: 'bearer',
							expires_in: VIAFOURA_TOKEN_LIFETIME_SECONDS,
							scope: scopes.join(' '),
						},
						{ 'Cache-Control': 'no-store' },
					);
				},
			},
			{
				method: 'POST',
				path: '/rest/v1/accounts/login',
				handle: (request) => {
					const refused = authorize(request);
					if (refused) return refused;
					const body = formOf(request);
					if ('refused' in body) return body.refused;
					const { form } = body;
					const id = (form.id ?? '').trim();
					const name = (form.name ?? '').trim();
					if (id === '') return json(400, { error: 'missing_id', message: 'The id parameter is required' });
					if (name === '') return json(400, { error: 'missing_name', message: 'The name parameter is required' });
					const email = form.email?.trim() || undefined;

					let user = usersById.get(id);
					if (!user) {
						user = { user_id: nextUserId++, id, name, email, loginCount: 0 };
						usersById.set(id, user);
					} else {
						user.name = name;
						if (email !== undefined) user.email = email;
					}
					user.loginCount++;
					const session = sessionText();
					sessions.set(session, { userId: user.user_id, lastUsedAt: Date.now() });
					countLogin();
					return json(200, { user_id: user.user_id, session });
				},
			},
			{
				method: 'POST',
				path: '/rest/v1/accounts/logout',
				handle: (request) => {
					const refused = authorize(request);
					if (refused) return refused;
					const body = formOf(request);
					if ('refused' in body) return body.refused;
					const { form } = body;
					const session = (form.session ?? '').trim();
					if (session === '') {
						return json(400, { error: 'missing_session', message: 'The session parameter is required' });
					}
					if (!liveSession(session)) {
						return json(404, { error: 'session_not_found', message: 'No live session with this ID' });
					}
					sessions.delete(session);
					state.logoutCount++;
					return json(200, {});
				},
			},
		],
	};
}
