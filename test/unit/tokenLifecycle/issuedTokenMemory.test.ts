import { newerIssuedToken, rememberIssuedToken } from '../../../tokenLifecycle/issuedTokenMemory';
import { clearSignInMemory } from '../../../tokenLifecycle/signInMemory';
import type { SignIn } from '../../../tokenLifecycle/signInFingerprint';
import { exampleLifecycle } from './exampleLifecycle';

const MINUTE = 60_000;
const t0 = 1_800_000_000_000;
const lifecycle = exampleLifecycle({ refresh: async () => undefined });

function holding(heldToken: string, heldRefreshToken = ''): SignIn {
	return { login: 'login A', attempt: `attempt with ${heldRefreshToken}`, heldToken, heldRefreshToken };
}

/** A renewal by a copy holding `old` (and `oldRefresh`) that got `token` (and `refresh`). */
function renewed(old: string, token: string, at = t0, extra = {}) {
	rememberIssuedToken(holding(old), { accessToken: token, ...extra }, lifecycle, at);
}

describe('a copy read before the new token was saved is handed that token', () => {
	it('when it holds no token, or the token or refresh token the new one replaced', () => {
		rememberIssuedToken(
			holding('token 1', 'refresh 1'),
			{ accessToken: 'token 2', refreshToken: 'refresh 2' },
			lifecycle,
			t0,
		);
		const newFields = { accessToken: 'token 2', refreshToken: 'refresh 2' };
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 1)).toEqual(newFields);
		expect(newerIssuedToken(holding('token 1'), lifecycle, t0 + 1)).toEqual(newFields);
		expect(newerIssuedToken(holding('expired token', 'refresh 1'), lifecycle, t0 + 1)).toEqual(newFields);
	});

	it('not when it holds the new token itself, or one this process never replaced', () => {
		renewed('token 1', 'token 2');
		expect(newerIssuedToken(holding('token 2'), lifecycle, t0 + 1)).toBeUndefined();
		expect(newerIssuedToken(holding('saved by another process'), lifecycle, t0 + 1)).toBeUndefined();
		expect(newerIssuedToken({ ...holding(''), login: 'login B' }, lifecycle, t0 + 1)).toBeUndefined();
	});

	it('as a copy: changing what it was handed does not change what the next copy gets', () => {
		renewed('token 1', 'token 2');
		newerIssuedToken(holding(''), lifecycle, t0 + 1)!.accessToken = 'changed';
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 1)).toEqual({ accessToken: 'token 2' });
	});

	it('also when it holds a token replaced two renewals ago', () => {
		renewed('token 1', 'token 2', t0);
		renewed('token 2', 'token 3', t0 + 1);
		expect(newerIssuedToken(holding('token 1'), lifecycle, t0 + 2)).toEqual({ accessToken: 'token 3' });
	});

	it('recognises the last 32 tokens replaced, not older ones', () => {
		// Copies holding no token: each renewal replaces only the token issued before it.
		for (let i = 1; i <= 34; i++) renewed('', `token ${i}`, t0 + i);
		expect(newerIssuedToken(holding('token 1'), lifecycle, t0 + 40)).toBeUndefined();
		expect(newerIssuedToken(holding('token 2'), lifecycle, t0 + 40)).toEqual({ accessToken: 'token 34' });
	});

	it('counts a token once when the renewing copy held the token issued before it (the usual case)', () => {
		// Each renewal replaces the held token, which is also the token issued before it: one entry, not two.
		for (let i = 1; i <= 34; i++) renewed(`token ${i - 1}`, `token ${i}`, t0 + i);
		expect(newerIssuedToken(holding('token 2'), lifecycle, t0 + 40)).toEqual({ accessToken: 'token 34' });
		expect(newerIssuedToken(holding('token 1'), lifecycle, t0 + 40)).toBeUndefined();
	});
});

describe('an issued token is handed out for 5 minutes at most, and never past its own expiry', () => {
	beforeEach(() => clearSignInMemory());

	it('is forgotten 5 minutes after it was issued', () => {
		renewed('', 'token 2');
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 5 * MINUTE - 1)).toBeDefined();
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 5 * MINUTE)).toBeUndefined();
	});

	it('is forgotten a minute before it expires, when that comes first', () => {
		renewed('', 'token 2', t0, { tokenExpiresAt: new Date(t0 + 3 * MINUTE).toISOString() });
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 2 * MINUTE - 1)).toBeDefined();
		expect(newerIssuedToken(holding(''), lifecycle, t0 + 2 * MINUTE)).toBeUndefined();
	});

	it('is not remembered at all when it expires within a minute', () => {
		renewed('', 'token 2', t0, { tokenExpiresAt: new Date(t0 + MINUTE).toISOString() });
		expect(newerIssuedToken(holding(''), lifecycle, t0)).toBeUndefined();
	});
});
