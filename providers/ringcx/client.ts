import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { ProviderEndpoint } from '../../nodeExecution/providerRequest';
import {
	TokenLifecycleError,
	baseUrlField,
	describeProviderAnswer,
	sendAuthenticationRequest,
	inputsRejected,
	isSuccess,
	isTokenAccepted,
	pastedOrSignedInToken,
	requiredField,
	textField,
	type HttpHelpers,
	type TokenLifecycle,
} from '../../tokenLifecycle';

const PROVIDER = 'RingCX';

/** RingCX takes its tokens, the login's and the permanent ones alike, in this header. */
export const RINGCX_TOKEN_HEADER = 'X-Auth-Token';

export const RINGCX_API_ROOTS = {
	vacd: 'https://portal.vacd.biz/api',
	virtualacd: 'https://portal.virtualacd.biz/api',
} as const;

/** The API root (ending in `/api`, no trailing slash) the credential points at: a listed portal or its own. */
export const ringCxEndpoint: ProviderEndpoint = {
	provider: PROVIDER,
	credentialType: 'ringCxApi',
	baseUrl(credentials) {
		const server = textField(credentials, 'server') || 'vacd';
		if (server === 'custom') return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
		const root = RINGCX_API_ROOTS[server as keyof typeof RINGCX_API_ROOTS];
		if (!root) throw new TokenLifecycleError(`The ${PROVIDER} credential's "Server" is not one of the listed portals`);
		return root;
	},
};

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

async function logIn(helpers: HttpHelpers, apiRoot: string, username: string, password: string): Promise<string> {
	const answer = await sendAuthenticationRequest(helpers, PROVIDER, {
		method: 'POST',
		url: `${apiRoot}/v1/auth/login`,
		body: { encoding: 'form', fields: { username, password } },
		safeToRepeat: true,
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
		throw new TokenLifecycleError(
			`${PROVIDER} login failed (${describeProviderAnswer(answer.statusCode, answer.body)})`,
		);
	}
	return authToken;
}

/** The user's permanent tokens, oldest first (the order RingCX lists them in). */
async function permanentTokens(helpers: HttpHelpers, apiRoot: string, authToken: string): Promise<string[]> {
	const answer = await sendAuthenticationRequest(helpers, PROVIDER, {
		method: 'GET',
		url: `${apiRoot}/v1/admin/token`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
		safeToRepeat: true,
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
async function keepOnePermanentToken(
	helpers: HttpHelpers,
	apiRoot: string,
	authToken: string,
	minted: string,
): Promise<string> {
	const tokens = await permanentTokens(helpers, apiRoot, authToken);
	const kept = tokens[0];
	if (kept === undefined || kept === minted || !tokens.includes(minted)) return minted;
	const deleted = await sendAuthenticationRequest(helpers, PROVIDER, {
		method: 'DELETE',
		url: `${apiRoot}/v1/admin/token/${encodeURIComponent(minted)}`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
		safeToRepeat: true,
	});
	// Could not delete ours: keep using it rather than leave a token nobody uses.
	return isSuccess(deleted) ? kept : minted;
}

async function mintPermanentToken(helpers: HttpHelpers, apiRoot: string, authToken: string): Promise<string> {
	const answer = await sendAuthenticationRequest(helpers, PROVIDER, {
		method: 'POST',
		url: `${apiRoot}/v1/admin/token`,
		headers: { [RINGCX_TOKEN_HEADER]: authToken },
	});
	const apiToken = isSuccess(answer) ? readMintedToken(answer.body) : undefined;
	if (!apiToken) {
		throw new TokenLifecycleError(
			`${PROVIDER} did not create a permanent API token (${describeProviderAnswer(answer.statusCode, answer.body)})`,
			'The user may lack the right to create API tokens.',
		);
	}
	return apiToken;
}

/**
 * Username/password mode logs in once and keeps ONE permanent API token in `sessionToken`: the user's
 * newest existing token, or one it mints when the user has none. It signs in again only when RingCX
 * rejects that token (401): every mint creates a token that lives until someone deletes it, so a
 * failed request for any other reason keeps the token.
 */
export const ringCxLifecycle: TokenLifecycle = {
	provider: PROVIDER,
	tokenField: 'sessionToken',
	tokenOwnerField: 'tokenOwner',
	validate(credentials) {
		ringCxEndpoint.baseUrl(credentials);
		requiredField(credentials, 'username', 'Username', PROVIDER);
		requiredField(credentials, 'password', 'Password', PROVIDER);
	},
	loginInputs: (credentials) => [
		ringCxEndpoint.baseUrl(credentials),
		textField(credentials, 'username'),
		// Exactly as sent: a password that differs only in its spaces is another password.
		String(credentials.password ?? ''),
	],
	isAccepted: async (helpers, token, credentials) =>
		await isTokenAccepted(
			helpers,
			PROVIDER,
			{ method: 'GET', url: `${ringCxEndpoint.baseUrl(credentials)}/v1/admin/token` },
			RINGCX_TOKEN_HEADER,
			token,
		),
	async acquire(helpers, credentials) {
		const apiRoot = ringCxEndpoint.baseUrl(credentials);
		const authToken = await logIn(
			helpers,
			apiRoot,
			textField(credentials, 'username'),
			// Passwords may legitimately start or end with spaces: send exactly what was typed.
			String(credentials.password),
		);
		// n8n's editor sends its blank copy of the hidden token with every re-test in the form that saved it,
		// so a login does not mean the user has no token: adopt the newest one, and mint only if there is none.
		const newest = (await permanentTokens(helpers, apiRoot, authToken)).at(-1);
		if (newest !== undefined) return { sessionToken: newest };
		const minted = await mintPermanentToken(helpers, apiRoot, authToken);
		return { sessionToken: await keepOnePermanentToken(helpers, apiRoot, authToken, minted) };
	},
};

/**
 * The token every request carries in `X-Auth-Token`: the pasted one, or the one the credential
 * minted while it still belongs to the username, password and portal as they are now (`''` if not).
 */
export function ringCxToken(credentials: ICredentialDataDecryptedObject): string {
	return pastedOrSignedInToken(credentials, ringCxLifecycle, 'apiToken');
}
