/**
 * The stored data of each provider's credential as a user first saves it (no token yet), pointed
 * at a bundled provider server at `baseUrl` (`ProviderFixture.baseUrl()`). `overrides` replaces or
 * adds fields.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RINGCX_ACCOUNTS } from '../providers/ringcx';
import { SATELLITE_CLIENT } from '../providers/satellite';
import { VIAFOURA_SITE } from '../providers/viafoura';
import { VIRTUOUS_USERS } from '../providers/virtuous';

type Overrides = ICredentialDataDecryptedObject;

/** RingCX, username and password of the first demo account (admin); its API lives under `/api`. */
export function ringCxCredentialData(baseUrl: string, overrides: Overrides = {}): ICredentialDataDecryptedObject {
	const [admin] = RINGCX_ACCOUNTS;
	return {
		sessionToken: '',
		server: 'custom',
		baseUrl: `${baseUrl}/api`,
		authMethod: 'password',
		username: admin.username,
		password: admin.password,
		...overrides,
	};
}

/** Satellite, client-credentials grant of the demo client. */
export function satelliteCredentialData(baseUrl: string, overrides: Overrides = {}): ICredentialDataDecryptedObject {
	return {
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
		baseUrl,
		grantType: 'clientCredentials',
		clientId: SATELLITE_CLIENT.clientId,
		clientSecret: SATELLITE_CLIENT.clientSecret,
		...overrides,
	};
}

/** Viafoura, the demo site's ID and API key. */
export function viafouraCredentialData(baseUrl: string, overrides: Overrides = {}): ICredentialDataDecryptedObject {
	return {
		accessToken: '',
		tokenExpiresAt: '',
		baseUrl,
		siteId: VIAFOURA_SITE.siteId,
		apiKey: VIAFOURA_SITE.apiKey,
		...overrides,
	};
}

/** Virtuous, email and password of `user` (the demo user without two-factor by default), no code yet. */
export function virtuousCredentialData(
	baseUrl: string,
	user: { email: string; password: string } = VIRTUOUS_USERS.plain,
	overrides: Overrides = {},
): ICredentialDataDecryptedObject {
	return {
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
		baseUrl,
		authMethod: 'password',
		email: user.email,
		password: user.password,
		otp: '',
		...overrides,
	};
}
