/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
import type { IDataObject } from 'n8n-workflow';

import { ProviderError } from '../../../requestEngine';
import { AFTERMATH_MS, shareRenewalInFlight } from '../../../tokenLifecycle/renewalInFlight';
import type { SignIn } from '../../../tokenLifecycle/signInFingerprint';

const signIn: SignIn = { login: 'login A', attempt: 'attempt A', heldToken: 'expired token', heldRefreshToken: '' };
const settings = { timeoutMs: 1_000 };

/** Renewals that stay under way until the test settles them, counted as they start. */
function heldRenewals() {
	const underWay: Array<{ resolve(fields: IDataObject): void; reject(error: Error): void }> = [];
	const renew = jest.fn(
		async () =>
			await new Promise<IDataObject>((resolve, reject) => {
				underWay.push({ resolve, reject });
			}),
	);
	return { renew, underWay };
}

describe('calls for the same sign-in share one renewal while it is under way', () => {
	it('two calls at once start one renewal, and each gets its own copy of the fields', async () => {
		const { renew, underWay } = heldRenewals();
		const first = shareRenewalInFlight(signIn, settings, renew);
		const second = shareRenewalInFlight({ ...signIn }, settings, renew);
		underWay[0].resolve({ accessToken: 'new token' });
		const [a, b] = await Promise.all([first, second]);
		expect(renew).toHaveBeenCalledTimes(1);
		expect([a, b]).toEqual([{ accessToken: 'new token' }, { accessToken: 'new token' }]);
		a.accessToken = 'changed by one caller';
		expect(b.accessToken).toBe('new token');
	});

	it('a failure reaches every call that waited on it', async () => {
		const { renew, underWay } = heldRenewals();
		const calls = [shareRenewalInFlight(signIn, settings, renew), shareRenewalInFlight(signIn, settings, renew)];
		underWay[0].reject(new Error('provider said no'));
		await expect(Promise.all(calls)).rejects.toThrow('provider said no');
		await expect(calls[1]).rejects.toThrow('provider said no');
		expect(renew).toHaveBeenCalledTimes(1);
	});

	it('another attempt, or another held token, starts a renewal of its own', async () => {
		const { renew, underWay } = heldRenewals();
		const calls = [
			shareRenewalInFlight(signIn, settings, renew),
			shareRenewalInFlight({ ...signIn, attempt: 'attempt B' }, settings, renew),
			shareRenewalInFlight({ ...signIn, heldToken: 'another token' }, settings, renew),
		];
		expect(renew).toHaveBeenCalledTimes(3);
		for (const renewal of underWay) renewal.resolve({});
		await Promise.all(calls);
	});

	it('hands a failure to calls in its aftermath, then tries again; keeps nothing after a success', async () => {
		const renew = jest
			.fn<Promise<IDataObject>, []>()
			.mockRejectedValueOnce(new Error('timed out'))
			.mockResolvedValueOnce({ accessToken: 'token 1' })
			.mockResolvedValueOnce({ accessToken: 'token 2' });
		await expect(shareRenewalInFlight(signIn, settings, renew)).rejects.toThrow('timed out');
		// n8n's HTTP Request node asks again the moment a request failed: that costs no second time-out.
		await expect(shareRenewalInFlight(signIn, settings, renew)).rejects.toThrow('timed out');
		const later = Date.now() + AFTERMATH_MS;
		expect(await shareRenewalInFlight(signIn, settings, renew, later)).toEqual({ accessToken: 'token 1' });
		expect(await shareRenewalInFlight(signIn, settings, renew, later)).toEqual({ accessToken: 'token 2' });
		expect(renew).toHaveBeenCalledTimes(3);
	});

	it('a stopped waiter leaves at once; the renewal stops only when every waiter has stopped', async () => {
		const signals: AbortSignal[] = [];
		let settle: (fields: IDataObject) => void = () => undefined;
		const renew = async ({ signal }: { signal?: AbortSignal }) => {
			signals.push(signal!);
			return await new Promise<IDataObject>((resolve) => (settle = resolve));
		};
		const [first, second] = [new AbortController(), new AbortController()];
		const calls = [first, second].map((stop) =>
			shareRenewalInFlight(signIn, { ...settings, signal: stop.signal }, renew),
		);
		first.abort();
		await expect(calls[0]).rejects.toThrow('The execution was stopped');
		expect(signals[0].aborted).toBe(false);
		second.abort();
		await expect(calls[1]).rejects.toThrow('The execution was stopped');
		expect(signals[0].aborted).toBe(true);
		settle({});
	});

	it('a renewal stopped with its waiters is not handed to the next call: that one renews', async () => {
		const stop = new AbortController();
		const renew = async ({ signal }: { signal?: AbortSignal }) =>
			await new Promise<IDataObject>((_resolve, reject) =>
				signal!.addEventListener('abort', () => reject(new ProviderError('The execution was stopped'))),
			);
		const stopped = shareRenewalInFlight(signIn, { ...settings, signal: stop.signal }, renew);
		stop.abort();
		await expect(stopped).rejects.toThrow('The execution was stopped');
		await new Promise((resolve) => setImmediate(resolve));
		const next = jest.fn(async () => ({ accessToken: 'new token' }));
		expect(await shareRenewalInFlight(signIn, settings, next)).toEqual({ accessToken: 'new token' });
		expect(next).toHaveBeenCalledTimes(1);
	});
});
