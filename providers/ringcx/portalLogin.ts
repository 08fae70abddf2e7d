/** The legacy portals' sign-in: a username and password buy one permanent API token (ringcx-permanent-api-token). */
import { ProviderError, describeProviderAnswer, inputsRejected, isSuccess } from '../../requestEngine';
import { isTokenAccepted, requiredField, textField, type SendCall } from '../../tokenLifecycle';
import type { RingCxSignIn } from './client';
import { PROVIDER, apiRoot } from './servers';

/** The legacy portals take their tokens, the login's and the permanent ones alike, in this header. */
export const RINGCX_TOKEN_HEADER = 'X-Auth-Token';

/** The minting endpoint answers the bare token; accept it as text, a JSON string, or a JSON object. */
function readMintedToken(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['apiToken', 'token', 'authToken']) {
			if (typeof record[key] === 'string' && record[key] !== '') return record[key] as string;
		}
	}
	return undefined;
}

async function logIn(send: SendCall, root: string, username: string, password: string): Promise<string> {
	const answer = await send({
		provider: PROVIDER,
		method: 'POST',
		url: `${root}/v1/auth/login`,
		body: { form: { username, password } },
		// A login makes a short-lived auth token, nothing that lasts.
		repeat: 'safe',
	});
	if (answer.statusCode === 401 || answer.statusCode === 403) {
		throw inputsRejected(
			PROVIDER,
			'username or password',
			answer,
			'Check the Username and Password in the RingCX API credential. This login is not tried again for 15 minutes unless you change them, so the account is not locked by repeated attempts.',
		);
	}
	const authToken = (answer.body as { authToken?: unknown } | undefined)?.authToken;
	if (!isSuccess(answer) || typeof authToken !== 'string' || authToken === '') {
		throw new ProviderError(`${PROVIDER} login failed (${describeProviderAnswer(answer.statusCode, answer.body)})`);
	}
	return authToken;
}

/** The user's permanent tokens, oldest first (the order RingCX lists them in). */
async function permanentTokens(send: SendCall, root: string, authToken: string): Promise<string[]> {
	const answer = await send({
		provider: PROVIDER,
		method: 'GET',
		url: `${root}/v1/admin/token`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
		repeat: 'safe',
	});
	if (!isSuccess(answer) || !Array.isArray(answer.body)) return [];
	return answer.body.filter((token): token is string => typeof token === 'string' && token !== '');
}

/**
 * The one token to keep after minting `minted` for a user who had none. Another n8n process (a
 * queue-mode worker) signing in with the same credential at the same moment may have minted one
 * too; n8n gives nodes no lock across processes, so every process lists the tokens after minting,
 * keeps the oldest, and deletes its own if that is not the one kept. All of them agree on the
 * oldest, so one permanent token remains.
 */
async function keepOnePermanentToken(send: SendCall, root: string, authToken: string, minted: string): Promise<string> {
	const tokens = await permanentTokens(send, root, authToken);
	const kept = tokens[0];
	if (kept === undefined || kept === minted || !tokens.includes(minted)) return minted;
	const deleted = await send({
		provider: PROVIDER,
		method: 'DELETE',
		url: `${root}/v1/admin/token/${encodeURIComponent(minted)}`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
		// Deleting twice leaves the same: one token fewer.
		repeat: 'safe',
	});
	// Could not delete ours: keep using it rather than leave a token nobody uses.
	return isSuccess(deleted) ? kept : minted;
}

/**
 * Mints one permanent token. Never sent twice: each mint makes a token that lives until deleted. When
 * the answer is lost, the user's tokens are listed instead: one that appeared is the one minted.
 */
async function mintPermanentToken(send: SendCall, root: string, authToken: string): Promise<string> {
	const mint = send({
		provider: PROVIDER,
		method: 'POST',
		url: `${root}/v1/admin/token`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
		repeat: 'creates',
	});
	const answer = await mint.catch(async (error: unknown) => {
		const appeared = (await permanentTokens(send, root, authToken)).at(-1);
		if (appeared === undefined) throw error;
		return { statusCode: 200, headers: {}, body: appeared };
	});
	const apiToken = isSuccess(answer) ? readMintedToken(answer.body) : undefined;
	if (!apiToken) {
		throw new ProviderError(
			`${PROVIDER} did not create a permanent API token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
			'The user may lack the right to create API tokens.',
		);
	}
	return apiToken;
}

/**
 * The legacy portals' "Username and Password": logs in once and keeps ONE permanent API token in
 * `sessionToken`: the user's newest existing token, or one it mints when the user has none. It signs in
 * again only when RingCX rejects that token (401): every mint creates a token that lives until someone
 * deletes it, so a failed request for any other reason keeps the token.
 */
export const portalLogin: RingCxSignIn = {
	validate(credentials) {
		apiRoot(credentials);
		requiredField(credentials, 'username', 'Username', PROVIDER);
		requiredField(credentials, 'password', 'Password', PROVIDER);
	},
	loginInputs: (credentials) => [
		apiRoot(credentials),
		textField(credentials, 'username'),
		// Exactly as sent: a password that differs only in its spaces is another password.
		String(credentials.password ?? ''),
	],
	isAccepted: async (send, token, credentials) =>
		await isTokenAccepted(
			send,
			{ provider: PROVIDER, method: 'GET', url: `${apiRoot(credentials)}/v1/admin/token` },
			RINGCX_TOKEN_HEADER,
			token,
		),
	async acquire(send, credentials) {
		const root = apiRoot(credentials);
		const authToken = await logIn(
			send,
			root,
			textField(credentials, 'username'),
			// Passwords may legitimately start or end with spaces: send exactly what was typed.
			String(credentials.password),
		);
		// n8n's editor sends its blank copy of the hidden token with every re-test in the form that saved it,
		// so a login does not mean the user has no token: adopt the newest one, and mint only if there is none.
		const newest = (await permanentTokens(send, root, authToken)).at(-1);
		if (newest !== undefined) return { sessionToken: newest };
		const minted = await mintPermanentToken(send, root, authToken);
		return { sessionToken: await keepOnePermanentToken(send, root, authToken, minted) };
	},
};
