/**
 * What the shared code needs to know of a provider, declared once in its folder (providers/<id>/):
 * the credential and node wiring, the request engine and the packaging all read it from here.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { TokenLifecycle } from '../tokenLifecycle';

export interface Provider {
	/** Its name in error text, e.g. "RingCX". */
	name: string;
	/** The n8n credential type its credential declares and its node uses. */
	credentialType: string;
	/** The root every API request path is under, from the credential; throws an error that names a bad field. */
	apiRoot(credentials: ICredentialDataDecryptedObject): string;
	/** How its credential gets, keeps and renews a token. */
	lifecycle: TokenLifecycle;
	/** The header requests carry the token in: `Authorization` (as a Bearer token) or the provider's own. */
	tokenHeader(credentials: ICredentialDataDecryptedObject): string;
	/**
	 * A credential mode where the user pastes a key or token instead of signing in: the mode field, its
	 * value, and the field holding what was pasted (sent as the token, no renewal) with its label.
	 */
	pasted?: { modeField: string; mode: string; field: string; label: string };
	/**
	 * The item's error for an API answer the provider gives for a reason of its own (RingCX refusing an
	 * operation to a RingCentral login, say); the generic wording by status when absent or undefined.
	 */
	describeRefusal?(
		credentials: ICredentialDataDecryptedObject,
		statusCode: number,
	): { message: string; description: string } | undefined;
	/**
	 * For the per-provider npm package and the docs: `n8n-nodes-<id>`, docs/<id>.md. Every provider has a
	 * node (nodes/<nodeFolder>/): n8n refuses a package without one.
	 */
	packaging: { id: string; title: string; credentialClass: string; nodeFolder: string };
}
