/**
 * Issue 9 point 6: every check on user input is linear with a length cap, and a huge malformed
 * value is refused with an error naming the field and the item, before anything is sent. Run
 * through the nodes' own `execute` against the bundled provider servers.
 */
import { RingCxApi } from '../../../credentials/RingCxApi.credentials';
import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';
import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { MAX_EMAIL_LENGTH, hasNoSpace, isEmailAddress } from '../../../nodeExecution/checkInput';
import { RingCx } from '../../../nodes/RingCx/RingCx.node';
import { Satellite } from '../../../nodes/Satellite/Satellite.node';
import { Viafoura } from '../../../nodes/Viafoura/Viafoura.node';
import { createRingCx } from '../../providers/ringcx';
import { createSatellite } from '../../providers/satellite';
import { createViafoura } from '../../providers/viafoura';
import {
	ringCxCredentialData,
	satelliteCredentialData,
	viafouraCredentialData,
} from '../../support/credentialFixtures';
import { failureOf } from '../../support/failureOf';
import { CredentialStore, nodeRunner } from '../../support/nodeExecutionContext';
import { providerFixture } from '../../support/providerFixture';

/** 60 kB that the old email pattern backtracked on: one `@`, then a domain of dots and no end. */
const HUGE_MALFORMED_EMAIL = `${'a'.repeat(30_000)}@${'b.'.repeat(15_000)}`;

const viafoura = providerFixture(createViafoura);
const satellite = providerFixture(createSatellite);
const ringCx = providerFixture(createRingCx);

describe('email check', () => {
	it('accepts ordinary addresses and refuses what is clearly not one', () => {
		for (const good of ['a@b.co', 'zoe+news@example.com', 'first.last@sub.example.org', 'x@xn--bcher-kva.example']) {
			expect(isEmailAddress(good)).toBe(true);
		}
		for (const bad of ['', 'plain', 'a@b', '@b.co', 'a@', 'a@.b', 'a@b.', 'a@b..c', 'a b@c.d', 'a@b@c.d', 'a@b.c\n']) {
			expect(isEmailAddress(bad)).toBe(false);
		}
	});

	it(`refuses anything longer than ${MAX_EMAIL_LENGTH} characters, however well formed`, () => {
		const longest = `${'a'.repeat(MAX_EMAIL_LENGTH - '@example.com'.length)}@example.com`;
		expect(isEmailAddress(longest)).toBe(true);
		expect(isEmailAddress(`a${longest}`)).toBe(false);
		expect(isEmailAddress(HUGE_MALFORMED_EMAIL)).toBe(false);
	});

	it('treats any white space as no token text', () => {
		expect(hasNoSpace('aws80:c2353445-bc74')).toBe(true);
		expect(hasNoSpace('aws80: c2353445')).toBe(false);
		expect(hasNoSpace('aws80:\u00a0c2353445')).toBe(false);
	});
});

describe('a 60 kB malformed value in one item', () => {
	it('Viafoura: the run fails naming the Email and the item, and no reader is logged in', async () => {
		const run = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		const error = await failureOf(
			run(store, {
				items: 3,
				parameters: {
					resource: 'session',
					operation: 'login',
					userId: (i: number) => `reader-${i}`,
					name: 'Reader',
					email: (i: number) => (i === 2 ? HUGE_MALFORMED_EMAIL : `reader-${i}@example.com`),
				},
			}),
		);
		expect(error.message).toBe('The "Email" of item 2 is not an email address');
		expect(error.context?.itemIndex).toBe(2);
		expect(error.description).toContain(`longer than the ${MAX_EMAIL_LENGTH} characters`);
		expect(error.message.length + String(error.description).length).toBeLessThan(300);
		expect(viafoura.server.log).toEqual([]);
	});

	it('Viafoura with Continue On Fail: only that item fails, with the same error', async () => {
		const run = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		const { output } = await run(store, {
			items: 3,
			continueOnFail: true,
			parameters: {
				resource: 'session',
				operation: 'login',
				userId: (i: number) => `reader-${i}`,
				name: 'Reader',
				email: (i: number) => (i === 1 ? HUGE_MALFORMED_EMAIL : ''),
			},
		});
		expect(output.map((item) => item.json.error)).toEqual([
			undefined,
			'The "Email" of item 1 is not an email address',
			undefined,
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Viafoura: a 60 kB User ID is refused naming the field and the item', async () => {
		const run = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
		const store = new CredentialStore(viafouraCredentialData(viafoura.baseUrl()));
		const error = await failureOf(
			run(store, {
				parameters: { resource: 'session', operation: 'login', userId: 'x'.repeat(60_000), name: 'Reader' },
			}),
		);
		expect(error.message).toBe('The "User ID" of item 0 is longer than 512 characters');
	});

	it('Satellite: a 60 kB email or phone number is refused naming the field and the item', async () => {
		const run = nodeRunner({ nodeType: Satellite, credentialType: SatelliteApi });
		const store = new CredentialStore(satelliteCredentialData(satellite.baseUrl()));
		const email = await failureOf(
			run(store, { parameters: { resource: 'otp', operation: 'send', channel: 'email', email: HUGE_MALFORMED_EMAIL } }),
		);
		expect(email.message).toBe('The "Email" of item 0 is not a valid email address');
		const phone = await failureOf(
			run(store, {
				items: 2,
				parameters: {
					resource: 'otp',
					operation: 'send',
					channel: 'phone',
					phone: (i: number) => (i === 1 ? `+${'1 ('.repeat(20_000)}` : '+64 21 123 4567'),
				},
			}),
		);
		expect(phone.message).toBe('The "Phone" of item 1 is not a valid phone number');
		const code = await failureOf(
			run(store, {
				parameters: {
					resource: 'otp',
					operation: 'verify',
					channel: 'email',
					email: 'a@b.co',
					code: '1'.repeat(60_000),
				},
			}),
		);
		expect(code.message).toBe('The "Code" of item 0 is not a one-time password');
		expect(satellite.server.log).toEqual([]);
	});

	it('RingCX: a 60 kB API token to delete is refused naming the field and the item', async () => {
		const run = nodeRunner({ nodeType: RingCx, credentialType: RingCxApi });
		const store = new CredentialStore(ringCxCredentialData(ringCx.baseUrl()));
		const error = await failureOf(
			run(store, {
				parameters: { resource: 'apiToken', operation: 'delete', apiToken: `aws80:${'x '.repeat(30_000)}` },
			}),
		);
		expect(error.message).toBe('The "API Token" of item 0 is not an API token');
		expect(ringCx.server.log).toEqual([]);
	});
});
