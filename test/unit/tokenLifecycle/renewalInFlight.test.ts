import type { IDataObject } from 'n8n-workflow';

import { shareRenewalInFlight } from '../../../tokenLifecycle/renewalInFlight';
import type { SignIn } from '../../../tokenLifecycle/signInFingerprint';

const signIn: SignIn = { login: 'login A', attempt: 'attempt A', heldToken: 'expired token', heldRefreshToken: '' };

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
		const first = shareRenewalInFlight(signIn, renew);
		const second = shareRenewalInFlight({ ...signIn }, renew);
		underWay[0].resolve({ accessToken: 'new token' });
		const [a, b] = await Promise.all([first, second]);
		expect(renew).toHaveBeenCalledTimes(1);
		expect([a, b]).toEqual([{ accessToken: 'new token' }, { accessToken: 'new token' }]);
		a.accessToken = 'changed by one caller';
		expect(b.accessToken).toBe('new token');
	});

	it('a failure reaches every call that waited on it', async () => {
		const { renew, underWay } = heldRenewals();
		const calls = [shareRenewalInFlight(signIn, renew), shareRenewalInFlight(signIn, renew)];
		underWay[0].reject(new Error('provider said no'));
		await expect(Promise.all(calls)).rejects.toThrow('provider said no');
		await expect(calls[1]).rejects.toThrow('provider said no');
		expect(renew).toHaveBeenCalledTimes(1);
	});

	it('another attempt, or another held token, starts a renewal of its own', async () => {
		const { renew, underWay } = heldRenewals();
		const calls = [
			shareRenewalInFlight(signIn, renew),
			shareRenewalInFlight({ ...signIn, attempt: 'attempt B' }, renew),
			shareRenewalInFlight({ ...signIn, heldToken: 'another token' }, renew),
		];
		expect(renew).toHaveBeenCalledTimes(3);
		for (const renewal of underWay) renewal.resolve({});
		await Promise.all(calls);
	});

	it('keeps nothing once settled: the next call, success or failure before it, renews again', async () => {
		const renew = jest
			.fn<Promise<IDataObject>, []>()
			.mockRejectedValueOnce(new Error('timed out'))
			.mockResolvedValueOnce({ accessToken: 'token 1' })
			.mockResolvedValueOnce({ accessToken: 'token 2' });
		await expect(shareRenewalInFlight(signIn, renew)).rejects.toThrow('timed out');
		expect(await shareRenewalInFlight(signIn, renew)).toEqual({ accessToken: 'token 1' });
		expect(await shareRenewalInFlight(signIn, renew)).toEqual({ accessToken: 'token 2' });
		expect(renew).toHaveBeenCalledTimes(3);
	});
});
