/** Where a RingCX account's API lives, and what the sign-ins and the node share of it. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ProviderError } from '../../requestEngine';
import { baseUrlField, textField } from '../../tokenLifecycle';

export const PROVIDER = 'RingCX';

/** The API roots of the listed servers: the two legacy portals, and RingCX for RingCentral customers. */
export const RINGCX_API_ROOTS = {
	vacd: 'https://portal.vacd.biz/api',
	virtualacd: 'https://portal.virtualacd.biz/api',
	ringcx: 'https://ringcx.ringcentral.com/voice/api',
} as const;

/** The API root (no trailing slash) the credential points at: a listed server, or its own Base URL. */
export function apiRoot(credentials: ICredentialDataDecryptedObject): string {
	const server = textField(credentials, 'server') || 'vacd';
	if (server === 'custom') return baseUrlField(credentials, 'baseUrl', 'Base URL', PROVIDER);
	const root = RINGCX_API_ROOTS[server as keyof typeof RINGCX_API_ROOTS];
	if (!root) throw new ProviderError(`The ${PROVIDER} credential's "Server" is not one of the listed servers`);
	return root;
}

/** Whether the credential signs in through RingCentral (its "Authentication" is "RingCentral Login (JWT)"). */
export function usesRingCentralLogin(credentials: ICredentialDataDecryptedObject): boolean {
	return textField(credentials, 'authMethod') === 'ringCentralJwt';
}
