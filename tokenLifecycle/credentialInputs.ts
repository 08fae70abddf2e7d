import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ProviderError } from '../requestEngine';

/** A credential field as trimmed text; `''` when empty or absent. */
export function textField(credentials: ICredentialDataDecryptedObject, name: string): string {
	const value = credentials[name];
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number') return String(value);
	return '';
}

/** Trimmed value of a field the user must fill in, or an error that names the field (not its value). */
export function requiredField(
	credentials: ICredentialDataDecryptedObject,
	name: string,
	label: string,
	provider: string,
): string {
	const value = textField(credentials, name);
	if (value === '') {
		throw new ProviderError(
			`The ${provider} credential's "${label}" is empty`,
			`Fill in "${label}" in the credential and save it.`,
		);
	}
	if (value.length > MAX_INPUT_LENGTH) {
		throw new ProviderError(
			`The ${provider} credential's "${label}" is longer than ${MAX_INPUT_LENGTH} characters`,
			`Check "${label}" in the credential: it looks pasted twice or from the wrong place.`,
		);
	}
	return value;
}

/** No login, secret or address is this long; a longer value is refused before any work is done on it. */
export const MAX_INPUT_LENGTH = 4096;

/** The text without trailing slashes, in one pass (a regular expression can backtrack on many slashes). */
export function withoutTrailingSlashes(value: string): string {
	let end = value.length;
	while (end > 0 && value.charCodeAt(end - 1) === 47) end--;
	return value.slice(0, end);
}

/**
 * `baseUrlField` as an n8n expression (without its `={{ }}`), for a credential's test request, which
 * n8n resolves itself: the field trimmed and without trailing slashes, as every other request reads it.
 */
export function baseUrlExpression(name = 'baseUrl'): string {
	return `String($credentials.${name}).trim().replace(/\\/+$/, "")`;
}

/** An http(s) URL without trailing slashes, or an error that names the field. */
export function baseUrlField(
	credentials: ICredentialDataDecryptedObject,
	name: string,
	label: string,
	provider: string,
): string {
	const value = withoutTrailingSlashes(requiredField(credentials, name, label, provider));
	const parsed = URL.canParse(value) ? new URL(value) : undefined;
	if (!parsed) {
		throw new ProviderError(
			`The ${provider} credential's "${label}" is not a valid URL`,
			'Use a full address such as https://api.example.com.',
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new ProviderError(`The ${provider} credential's "${label}" must start with https:// or http://`);
	}
	return value;
}
