/**
 * A provider lifecycle for the tokenLifecycle unit tests: its inputs are a base URL, a login and a
 * password, and every step can be replaced by a counting fake.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { TokenLifecycle } from '../../../tokenLifecycle';

export function exampleLifecycle(steps: Partial<TokenLifecycle> = {}): TokenLifecycle {
	return {
		provider: 'Example',
		tokenField: 'accessToken',
		expiresAtField: 'tokenExpiresAt',
		tokenOwnerField: 'tokenOwner',
		validate: () => undefined,
		loginInputs: (credentials) => [
			String(credentials.baseUrl),
			String(credentials.login),
			String(credentials.password),
		],
		acquire: async () => ({ accessToken: 'signed-in token' }),
		...steps,
	};
}

export function exampleInputs(extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
		tokenOwner: '',
		baseUrl: 'https://api.example.com',
		login: 'ada@example.com',
		password: 'correct horse',
		...extra,
	};
}
