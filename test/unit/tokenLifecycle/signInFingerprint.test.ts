import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	cachedToken,
	cachedTokenFits,
	fingerprintOf,
	fingerprintSignIn,
	tokenOwnerFingerprint,
} from '../../../tokenLifecycle/signInFingerprint';
import { exampleInputs, exampleLifecycle } from './exampleLifecycle';

const lifecycle = exampleLifecycle();
const refreshing = exampleLifecycle({
	refresh: async () => undefined,
	oneTimeInputs: (inputs) => [String(inputs.code ?? '')],
});

/** The inputs as saved with a token issued for them. */
function savedWithToken(extra = {}) {
	const inputs = exampleInputs({ accessToken: ' cached token ', refreshToken: 'refresh one', ...extra });
	return { ...inputs, tokenOwner: tokenOwnerFingerprint(inputs, lifecycle) };
}

describe('the token owner fingerprint says whose token it is', () => {
	it('changes with every login input and with the provider, and never holds an input as such', () => {
		const owner = tokenOwnerFingerprint(exampleInputs(), lifecycle);
		expect(tokenOwnerFingerprint(exampleInputs(), exampleLifecycle())).toBe(owner);
		const edits: ICredentialDataDecryptedObject[] = [
			{ baseUrl: 'https://other.example.com' },
			{ login: 'bob' },
			{ password: 'x' },
		];
		for (const edited of edits) {
			expect(tokenOwnerFingerprint(exampleInputs(edited), lifecycle)).not.toBe(owner);
		}
		expect(tokenOwnerFingerprint(exampleInputs(), exampleLifecycle({ provider: 'Other' }))).not.toBe(owner);
		expect(owner).toMatch(/^[0-9a-f]{64}$/);
	});

	it('keeps parts apart: ["ab", "c"] and ["a", "bc"] differ', () => {
		expect(fingerprintOf(['ab', 'c'])).not.toBe(fingerprintOf(['a', 'bc']));
	});
});

describe('a cached token is used only while it belongs to the inputs as they are now', () => {
	it('fits the inputs it was issued for, and is attached trimmed', () => {
		expect(cachedTokenFits(savedWithToken(), lifecycle)).toBe(true);
		expect(cachedToken(savedWithToken(), lifecycle)).toBe('cached token');
	});

	it('does not fit once the password is edited, nor without a saved owner', () => {
		expect(cachedTokenFits({ ...savedWithToken(), password: 'edited' }, lifecycle)).toBe(false);
		expect(cachedToken({ ...savedWithToken(), password: 'edited' }, lifecycle)).toBe('');
		expect(cachedTokenFits({ ...savedWithToken(), tokenOwner: '' }, lifecycle)).toBe(false);
	});

	it('does not fit, rather than throw, when the inputs cannot be fingerprinted', () => {
		const unusable = exampleLifecycle({
			loginInputs: () => {
				throw new Error('malformed URL');
			},
		});
		expect(cachedTokenFits(savedWithToken(), unusable)).toBe(false);
	});

	it('always fits for a lifecycle that keeps no owner', () => {
		const ownerless = exampleLifecycle({ tokenOwnerField: undefined });
		expect(cachedToken({ ...savedWithToken(), password: 'edited' }, ownerless)).toBe('cached token');
	});
});

describe('one call reads its sign-in from the copy in hand', () => {
	it('a one-time code or another refresh token is a new attempt of the same login', () => {
		const first = fingerprintSignIn(savedWithToken({ code: '111111' }), refreshing);
		const otherCode = fingerprintSignIn(savedWithToken({ code: '222222' }), refreshing);
		const otherRefresh = fingerprintSignIn(savedWithToken({ code: '111111', refreshToken: 'refresh two' }), refreshing);
		expect([otherCode.login, otherRefresh.login]).toEqual([first.login, first.login]);
		expect(new Set([first.attempt, otherCode.attempt, otherRefresh.attempt]).size).toBe(3);
		expect(first.login).not.toBe(
			fingerprintSignIn({ ...savedWithToken(), login: 'bob@example.com' }, refreshing).login,
		);
	});

	it('holds the cached token and refresh token only when they belong to the current inputs', () => {
		expect(fingerprintSignIn(savedWithToken(), refreshing)).toMatchObject({
			heldToken: 'cached token',
			heldRefreshToken: 'refresh one',
			ownerFingerprint: tokenOwnerFingerprint(exampleInputs(), lifecycle),
		});
		expect(fingerprintSignIn({ ...savedWithToken(), password: 'edited' }, refreshing)).toMatchObject({
			heldToken: '',
			heldRefreshToken: '',
		});
	});

	it('holds no refresh token for a lifecycle that does not refresh, and no owner for one that keeps none', () => {
		expect(fingerprintSignIn(savedWithToken(), lifecycle).heldRefreshToken).toBe('');
		const ownerless = exampleLifecycle({ tokenOwnerField: undefined });
		expect(fingerprintSignIn(savedWithToken(), ownerless).ownerFingerprint).toBeUndefined();
	});
});
