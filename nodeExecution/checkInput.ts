/**
 * Checks on text a user (or an expression fed by anyone) gives a node. Each runs in time linear in
 * the length of the text and looks at no more than a fixed number of characters: the length is
 * checked first, so a megabyte of hostile input costs a comparison, not a pattern match.
 */

/** RFC 5321: a forward path holds at most 254 characters. */
export const MAX_EMAIL_LENGTH = 254;
/** Ids, sessions and tokens of the providers are well under this; anything longer is not one. */
export const MAX_ID_LENGTH = 512;
/** Names people type (a reader's display name). */
export const MAX_NAME_LENGTH = 1024;
/** A phone number as typed, formatting included. */
export const MAX_TYPED_PHONE_LENGTH = 40;
/** A one-time password as typed. */
export const MAX_CODE_LENGTH = 64;

function isSpace(code: number): boolean {
	// ASCII white space and control characters, NBSP, and the Unicode spaces and separators people paste.
	if (code <= 0x20 || code === 0x7f || code === 0xa0) return true;
	if (code < 0x1680) return false;
	return (
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200b) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/**
 * Loose on purpose (the provider decides what it accepts): `local@domain.tld`, one `@`, no spaces,
 * a domain with a dot that neither starts nor ends it and no empty label. One pass, at most
 * MAX_EMAIL_LENGTH characters.
 */
export function isEmailAddress(value: string): boolean {
	if (value.length === 0 || value.length > MAX_EMAIL_LENGTH) return false;
	let at = -1;
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (isSpace(code)) return false;
		if (code === 0x40 /* @ */) {
			if (at !== -1) return false;
			at = i;
		}
	}
	if (at <= 0 || at === value.length - 1) return false;
	let labelLength = 0;
	let dots = 0;
	for (let i = at + 1; i < value.length; i++) {
		if (value.charCodeAt(i) === 0x2e /* . */) {
			if (labelLength === 0) return false;
			dots++;
			labelLength = 0;
		} else {
			labelLength++;
		}
	}
	return dots > 0 && labelLength > 0;
}

/** Whether the text has no white space or control characters (ids, sessions, tokens). One pass. */
export function hasNoSpace(value: string): boolean {
	for (let i = 0; i < value.length; i++) if (isSpace(value.charCodeAt(i))) return false;
	return true;
}
