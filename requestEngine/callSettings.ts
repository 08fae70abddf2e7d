/**
 * The settings a credential's token requests run with. n8n gives `preAuthentication` no execution
 * context, only the credential's data; but when one of this package's nodes sends a request, n8n
 * hands `preAuthentication` the very data object the node passed in (`credentialsDecrypted`). The node
 * files its Timeout and the execution's Stop under that object here, so the sign-in it triggers keeps
 * the same rules. Anything else (the HTTP Request node, a credential test) gets the defaults.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { CallSettings } from './engine';

/** A token request outside a node of this package gives up after this long: a hung provider must not hang every item. */
export const CREDENTIAL_TIMEOUT_MS = 20_000;

const byCredentials = new WeakMap<ICredentialDataDecryptedObject, CallSettings>();

/** Files the node's settings under the credential data it hands n8n with every request. */
export function useSettingsFor(credentials: ICredentialDataDecryptedObject, settings: CallSettings): void {
	byCredentials.set(credentials, settings);
}

/** The settings of the node that sent this credential data, or the credential defaults. */
export function settingsFor(credentials: ICredentialDataDecryptedObject): CallSettings {
	return byCredentials.get(credentials) ?? { timeoutMs: CREDENTIAL_TIMEOUT_MS };
}
