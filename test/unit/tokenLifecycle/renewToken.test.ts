/**
 * What renewToken decides for one call, with a lifecycle whose steps are counting fakes: refuse from
 * memory, take a token this process just got, keep the cached token, refresh, or sign in. Every
 * call gets a fresh copy of the stored credential, as in n8n.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { ProviderError, type HttpHelpers } from '../../../requestEngine';
import {
	renewToken,
	textField,
	tokenOwnerFingerprint,
	type TokenLifecycle,
} from '../../../tokenLifecycle';
import { AFTERMATH_MS } from '../../../tokenLifecycle/renewalInFlight';
import { exampleInputs, exampleLifecycle } from './exampleLifecycle';

const helpers = {} as HttpHelpers;
const wrongPassword = new ProviderError('Example refused the login', undefined, 'refusal');

afterEach(() => jest.restoreAllMocks());

/** The stored inputs with a token (and refresh token) issued for them. */
function savedWithToken(extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	const inputs = exampleInputs({ accessToken: 'cached token', refreshToken: 'refresh 1', ...extra });
	return { ...inputs, tokenOwner: tokenOwnerFingerprint(inputs, exampleLifecycle()) };
}

async function renewCopy(stored: ICredentialDataDecryptedObject, lifecycle: TokenLifecycle) {
	return await renewToken(helpers, structuredClone(stored), lifecycle);
}

describe('keep, refresh or sign in', () => {
	it('keeps a cached token the provider still accepts: nothing to save, no refresh, no sign-in', async () => {
		const steps = { isAccepted: jest.fn(async () => true), refresh: jest.fn(), acquire: jest.fn() };
		expect(await renewCopy(savedWithToken(), exampleLifecycle(steps))).toEqual({});
		expect(steps.isAccepted).toHaveBeenCalledWith(expect.any(Function), 'cached token', expect.anything());
		expect([steps.refresh, steps.acquire].map((step) => step.mock.calls.length)).toEqual([0, 0]);
	});

	it('refreshes a token the provider rejects, and saves the owner beside the new token', async () => {
		const steps = {
			isAccepted: jest.fn(async () => false),
			refresh: jest.fn(async () => ({ accessToken: 'refreshed', refreshToken: 'refresh 2' })),
			acquire: jest.fn(),
		};
		const fields = await renewCopy(savedWithToken(), exampleLifecycle(steps));
		expect(fields).toEqual({
			accessToken: 'refreshed',
			refreshToken: 'refresh 2',
			tokenOwner: savedWithToken().tokenOwner,
		});
		expect(steps.acquire).not.toHaveBeenCalled();
	});

	it('does not ask about a token expired by the clock', async () => {
		const steps = {
			isAccepted: jest.fn(async () => true),
			refresh: jest.fn(async () => ({ accessToken: 'refreshed' })),
		};
		await renewCopy(
			savedWithToken({ tokenExpiresAt: new Date(Date.now() - 1_000).toISOString() }),
			exampleLifecycle(steps),
		);
		expect(steps.isAccepted).not.toHaveBeenCalled();
		expect(steps.refresh).toHaveBeenCalledTimes(1);
	});

	it('signs in when the refresh token is refused', async () => {
		const steps = {
			refresh: jest.fn(async () => undefined),
			acquire: jest.fn(async () => ({ accessToken: 'signed in' })),
		};
		expect((await renewCopy(savedWithToken(), exampleLifecycle(steps))).accessToken).toBe('signed in');
		expect(steps.refresh).toHaveBeenCalledTimes(1);
	});

	it('neither asks about nor refreshes a token issued before the password was edited', async () => {
		const steps = {
			isAccepted: jest.fn(async () => true),
			refresh: jest.fn(),
			acquire: jest.fn(async () => ({ accessToken: 'new' })),
		};
		await renewCopy({ ...savedWithToken(), password: 'edited' }, exampleLifecycle(steps));
		expect([steps.isAccepted, steps.refresh, steps.acquire].map((step) => step.mock.calls.length)).toEqual([0, 0, 1]);
	});

	it('validates the inputs before any request', async () => {
		const steps = {
			validate: () => {
				throw new ProviderError('The Example credential\'s "Login" is empty');
			},
			acquire: jest.fn(),
		};
		await expect(renewCopy(exampleInputs({ login: '' }), exampleLifecycle(steps))).rejects.toThrow('"Login" is empty');
		expect(steps.acquire).not.toHaveBeenCalled();
	});
});

describe('refuse from memory', () => {
	it('a refused login is not tried again until an input changes', async () => {
		const acquire = jest.fn(async () => {
			throw wrongPassword;
		});
		const lifecycle = exampleLifecycle({ acquire });
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toBe(wrongPassword);
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toBe(wrongPassword);
		expect(acquire).toHaveBeenCalledTimes(1);
		await expect(renewCopy(exampleInputs({ password: 'edited' }), lifecycle)).rejects.toBe(wrongPassword);
		expect(acquire).toHaveBeenCalledTimes(2);
	});

	it('a transient failure reaches the calls right after it, and the next run asks again', async () => {
		const acquire = jest
			.fn<Promise<IDataObject>, []>()
			.mockRejectedValueOnce(new ProviderError('Example did not answer'))
			.mockResolvedValueOnce({ accessToken: 'signed in' });
		const lifecycle = exampleLifecycle({ acquire });
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toThrow('did not answer');
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toThrow('did not answer');
		expect(acquire).toHaveBeenCalledTimes(1);
		jest.spyOn(Date, 'now').mockReturnValue(Date.now() + AFTERMATH_MS);
		expect((await renewCopy(exampleInputs(), lifecycle)).accessToken).toBe('signed in');
	});
});

describe('take the token this process just got', () => {
	it('a copy read before the new token was saved gets it without signing in again', async () => {
		const acquire = jest.fn(async () => ({ accessToken: 'signed in' }));
		const lifecycle = exampleLifecycle({ acquire });
		const first = structuredClone(exampleInputs());
		await renewToken(helpers, first, lifecycle);
		// The copy in hand is updated at once, for a node that shares one copy among its items.
		expect(first.accessToken).toBe('signed in');
		expect((await renewCopy(exampleInputs(), lifecycle)).accessToken).toBe('signed in');
		expect(acquire).toHaveBeenCalledTimes(1);
	});

	it('a batch of copies at once makes one token request', async () => {
		const httpRequest = jest.fn(async () => ({ statusCode: 200, headers: {}, body: { access_token: 'signed in' } }));
		const counting = { httpRequest } as unknown as HttpHelpers;
		const lifecycle = exampleLifecycle({
			acquire: async (send) => {
				const answer = await send({ provider: 'Example', method: 'POST', url: 'https://api.example.com/token', repeat: 'safe' });
				return { accessToken: (answer.body as { access_token: string }).access_token };
			},
		});
		const batch = Array.from({ length: 5 }, async () => await renewToken(counting, exampleInputs(), lifecycle));
		expect((await Promise.all(batch)).map((fields) => fields.accessToken)).toEqual(Array(5).fill('signed in'));
		expect(httpRequest).toHaveBeenCalledTimes(1);
	});
});

describe('a login whose sign-in texts a code', () => {
	const twoFactor: TokenLifecycle['twoFactor'] = {
		codeEntered: (credentials) => textField(credentials, 'code') !== '',
		knownToNeedCode: (credentials) => credentials.signInNeedsCode === 'yes',
		waitingForCode: (sentAt, nextCodeAt) =>
			new ProviderError(`Enter the code sent at ${sentAt.toISOString()} (next ${nextCodeAt.toISOString()})`),
	};

	it('does not text a second code while the first can be entered; entering it signs in', async () => {
		const acquire = jest
			.fn<Promise<IDataObject>, []>()
			.mockRejectedValueOnce(new ProviderError('Example texted a code', undefined, 'codeSent'))
			.mockResolvedValueOnce({ accessToken: 'signed in with code' });
		const lifecycle = exampleLifecycle({ acquire, twoFactor, oneTimeInputs: (inputs) => [textField(inputs, 'code')] });
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now);
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toThrow('texted a code');
		const waiting = `Enter the code sent at ${new Date(now).toISOString()} (next ${new Date(now + 10 * 60_000).toISOString()})`;
		await expect(renewCopy(exampleInputs(), lifecycle)).rejects.toThrow(waiting);
		expect(acquire).toHaveBeenCalledTimes(1);
		const signedIn = await renewCopy(exampleInputs({ code: '123456' }), lifecycle);
		expect(signedIn.accessToken).toBe('signed in with code');
		// The code was used: when that token is rejected later, the next sign-in may text a new one.
		acquire.mockRejectedValueOnce(new ProviderError('Example texted a code', undefined, 'codeSent'));
		await expect(renewCopy(exampleInputs(signedIn as ICredentialDataDecryptedObject), lifecycle)).rejects.toThrow(
			'texted a code',
		);
		expect(acquire).toHaveBeenCalledTimes(3);
	});

	it('a refused refresh token fails the call for a minute instead of texting a code, then signs in', async () => {
		const steps = {
			refresh: jest.fn(async () => undefined),
			acquire: jest.fn(async () => ({ accessToken: 'signed in' })),
		};
		const lifecycle = exampleLifecycle({ ...steps, twoFactor });
		const stored = savedWithToken({ signInNeedsCode: 'yes' });
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now);
		await expect(renewCopy(stored, lifecycle)).rejects.toThrow('Example refused the saved refresh token');
		// Refused moments ago: not traded again either.
		await expect(renewCopy(stored, lifecycle)).rejects.toThrow('Example refused the saved refresh token');
		expect([steps.refresh.mock.calls.length, steps.acquire.mock.calls.length]).toEqual([1, 0]);
		jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
		expect((await renewCopy(stored, lifecycle)).accessToken).toBe('signed in');
	});

	it('a login not known to need a code signs in at once when its refresh token is refused', async () => {
		const steps = {
			refresh: jest.fn(async () => undefined),
			acquire: jest.fn(async () => ({ accessToken: 'signed in' })),
		};
		const lifecycle = exampleLifecycle({ ...steps, twoFactor });
		expect((await renewCopy(savedWithToken(), lifecycle)).accessToken).toBe('signed in');
	});
});
