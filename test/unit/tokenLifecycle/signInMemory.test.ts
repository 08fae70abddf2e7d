/**
 * The numbers pinned here are documented in the README (refusals 15 min, code wait 10 min, rotation
 * race 60 s, 1,000 entries): they are written out rather than read from the constants so that a change shows here.
 */
import {
	awaitedCode,
	clearSignInMemory,
	forgetAwaitedCode,
	refreshRefusalWithinRotationRace,
	refreshTokenRefusedBefore,
	rememberCodeSent,
	rememberRefusal,
	rememberedRefusal,
} from '../../../tokenLifecycle/signInMemory';
import { ProviderError } from '../../../requestEngine';

const MINUTE = 60_000;
const t0 = 1_800_000_000_000;
const wrongPassword = new ProviderError('Example refused the login', undefined, 'refusal');

describe('a refused attempt is remembered for 15 minutes', () => {
	it('throws the same error until then, for that attempt only', () => {
		rememberRefusal('attempt A', wrongPassword, t0);
		expect(rememberedRefusal('attempt A', t0 + 15 * MINUTE - 1)).toBe(wrongPassword);
		expect(rememberedRefusal('attempt B', t0 + 1)).toBeUndefined();
		expect(rememberedRefusal('attempt A', t0 + 15 * MINUTE)).toBeUndefined();
	});

	it('keeps at most 1,000 attempts, dropping the oldest', () => {
		for (let i = 0; i <= 1_000; i++) rememberRefusal(`attempt ${i}`, wrongPassword, t0);
		expect(rememberedRefusal('attempt 0', t0 + 1)).toBeUndefined();
		expect(rememberedRefusal('attempt 1', t0 + 1)).toBe(wrongPassword);
		expect(rememberedRefusal('attempt 1000', t0 + 1)).toBe(wrongPassword);
	});
});

describe('a texted code is awaited for 10 minutes', () => {
	it('says when it was sent and when a new one may be asked for, until then', () => {
		rememberCodeSent('login A', t0);
		expect(awaitedCode('login A', t0 + 10 * MINUTE - 1)).toEqual({
			sentAt: new Date(t0),
			nextCodeAt: new Date(t0 + 10 * MINUTE),
		});
		expect(awaitedCode('login B', t0 + 1)).toBeUndefined();
		expect(awaitedCode('login A', t0 + 10 * MINUTE)).toBeUndefined();
	});

	it('is no longer awaited once the login got a token', () => {
		rememberCodeSent('login A', t0);
		forgetAwaitedCode('login A');
		expect(awaitedCode('login A', t0 + 1)).toBeUndefined();
	});
});

describe('a refused refresh token may be another process rotating it for 60 seconds', () => {
	it('counts from the first refusal, not from the latest', () => {
		expect(refreshTokenRefusedBefore('login A', 'refresh 1', t0)).toBe(false);
		expect(refreshRefusalWithinRotationRace('login A', 'refresh 1', t0)).toBe(true);
		expect(refreshTokenRefusedBefore('login A', 'refresh 1', t0 + 1)).toBe(true);
		expect(refreshRefusalWithinRotationRace('login A', 'refresh 1', t0 + MINUTE - 1)).toBe(true);
		expect(refreshRefusalWithinRotationRace('login A', 'refresh 1', t0 + MINUTE)).toBe(false);
	});

	it('is about one refresh token of one login', () => {
		refreshRefusalWithinRotationRace('login A', 'refresh 1', t0);
		expect(refreshTokenRefusedBefore('login A', 'refresh 2', t0 + 1)).toBe(false);
		expect(refreshTokenRefusedBefore('login B', 'refresh 1', t0 + 1)).toBe(false);
	});

	it('is forgotten after 15 minutes, so a later refusal starts a new race', () => {
		refreshRefusalWithinRotationRace('login A', 'refresh 1', t0);
		expect(refreshTokenRefusedBefore('login A', 'refresh 1', t0 + 15 * MINUTE)).toBe(false);
		expect(refreshRefusalWithinRotationRace('login A', 'refresh 1', t0 + 15 * MINUTE)).toBe(true);
	});
});

it('clearSignInMemory forgets refusals, awaited codes and refused refresh tokens', () => {
	rememberRefusal('attempt A', wrongPassword, t0);
	rememberCodeSent('login A', t0);
	refreshRefusalWithinRotationRace('login A', 'refresh 1', t0);
	clearSignInMemory();
	expect(rememberedRefusal('attempt A', t0 + 1)).toBeUndefined();
	expect(awaitedCode('login A', t0 + 1)).toBeUndefined();
	expect(refreshTokenRefusedBefore('login A', 'refresh 1', t0 + 1)).toBe(false);
});
