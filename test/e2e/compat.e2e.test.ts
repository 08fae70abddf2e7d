/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The compatibility slice: the same representative checks on every n8n line the package supports.
 * N8N_LINE picks the runtime (see test/n8n/runtime.ts): unset runs n8n 2.41.1 on Node 24 (so
 * `npm test` covers that line), `N8N_LINE=1` runs n8n 1.123.x on Node 20 (`npm run test:compat`).
 *
 * In a real n8n with the packed package installed:
 *   - one workflow per provider node, each needing its credential's token from the bundled provider
 *     server: RingCX lists users, Satellite sends a code, Viafoura logs a reader in, and n8n's own
 *     HTTP Request node calls Virtuous with the `virtuousApi` credential type;
 *   - the editor's credential test ("Retry"/save in the credential form) of all four credentials
 *     passes, and a wrong key fails with the package's message and without the key.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { N8nServer, type N8nRestClient } from '../n8n/n8nServer';
import { selectedRuntimeSpec } from '../n8n/runtime';
import { N8nTestBed, type CredentialFixture } from '../n8n/testBed';
import { httpRequestNode, manualWorkflow, packageNode } from '../n8n/workflows';
import { ProviderServer } from '../providers/providerServer';
import { RINGCX_ACCOUNTS, createRingCx } from '../providers/ringcx';
import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../providers/satellite';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { VIRTUOUS_ORGANIZATION, VIRTUOUS_USERS, createVirtuous } from '../providers/virtuous';

// The first run on a machine installs the selected n8n runtime (~8 min); every n8n command takes seconds.
jest.setTimeout(20 * 60 * 1000);

const spec = selectedRuntimeSpec();
const LINE = `n8n ${spec.n8nVersion} on Node ${spec.nodeVersion}`;

const admin = RINGCX_ACCOUNTS[0];
const [someone] = SATELLITE_USERS;
const { plain } = VIRTUOUS_USERS;

const RINGCX = { id: 'compatRingCx00001', name: 'RingCX' };
const SATELLITE = { id: 'compatSatellite01', name: 'Satellite' };
const VIAFOURA = { id: 'compatViafoura001', name: 'Viafoura' };
const VIRTUOUS = { id: 'compatVirtuous001', name: 'Virtuous' };
const VIAFOURA_WRONG_KEY = { id: 'compatViafouraBad', name: 'Viafoura wrong key' };

/** A fresh set of the four bundled provider servers (fresh state, so counts start at zero). */
class Providers {
	readonly ringCx = createRingCx();
	readonly satellite = createSatellite();
	readonly viafoura = createViafoura();
	readonly virtuous = createVirtuous();
	readonly servers = {
		ringCx: new ProviderServer(this.ringCx),
		satellite: new ProviderServer(this.satellite),
		viafoura: new ProviderServer(this.viafoura),
		virtuous: new ProviderServer(this.virtuous),
	};

	async listen(): Promise<void> {
		await Promise.all(Object.values(this.servers).map(async (server) => await server.listen()));
	}

	async close(): Promise<void> {
		await Promise.all(Object.values(this.servers).map(async (server) => await server.close()));
	}

	/** The four credentials as a user fills them in, pointing at these servers. */
	credentials(): CredentialFixture[] {
		const { ringCx, satellite, viafoura, virtuous } = this.servers;
		return [
			{
				...RINGCX,
				type: 'ringCxApi',
				data: {
					server: 'custom',
					baseUrl: `${ringCx.url}/api`,
					authMethod: 'password',
					username: admin.username,
					password: admin.password,
				},
			},
			{
				...SATELLITE,
				type: 'satelliteApi',
				data: {
					baseUrl: satellite.url,
					grantType: 'clientCredentials',
					clientId: SATELLITE_CLIENT.clientId,
					clientSecret: SATELLITE_CLIENT.clientSecret,
				},
			},
			{
				...VIAFOURA,
				type: 'viafouraApi',
				data: { baseUrl: viafoura.url, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
			},
			{
				...VIRTUOUS,
				type: 'virtuousApi',
				data: { baseUrl: virtuous.url, authMethod: 'password', email: plain.email, password: plain.password },
			},
		];
	}
}

describe(`workflows with the package's nodes and credentials (${LINE}, n8n CLI)`, () => {
	const providers = new Providers();
	let bed: N8nTestBed;
	let ringCxId: string;
	let satelliteId: string;
	let viafouraId: string;
	let virtuousId: string;
	let runtimeVersions: { n8n: string; node: string } | undefined;

	beforeAll(async () => {
		await providers.listen();
		bed = await N8nTestBed.create({ name: `compat-${spec.n8nVersion}` });
		const { nodeBin, n8nBin } = bed.runtime;
		runtimeVersions = {
			n8n: (JSON.parse(readFileSync(join(n8nBin, '..', '..', 'package.json'), 'utf8')) as { version: string }).version,
			node: execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim(),
		};
		await bed.importCredentials(providers.credentials());
		[ringCxId, satelliteId, viafouraId, virtuousId] = await bed.importWorkflows([
			manualWorkflow('RingCX users', [
				packageNode('ringCx', 'Users', { resource: 'user', operation: 'getAll', returnAll: false, limit: 1 }, RINGCX),
			]),
			manualWorkflow('Satellite send a code', [
				packageNode(
					'satellite',
					'Send Code',
					{ resource: 'otp', operation: 'send', channel: 'email', email: someone.email },
					SATELLITE,
				),
			]),
			manualWorkflow('Viafoura log a reader in', [
				packageNode(
					'viafoura',
					'Log In',
					{
						resource: 'session',
						operation: 'login',
						userId: 'compat-reader',
						name: 'Compat Reader',
						email: 'compat@example.com',
					},
					VIAFOURA,
				),
			]),
			manualWorkflow('Virtuous through the HTTP Request node', [
				httpRequestNode('Organization', 'virtuousApi', VIRTUOUS, {
					url: `${providers.servers.virtuous.url}/api/Organization/Current`,
				}),
			]),
		]);
	});

	afterAll(async () => {
		await bed?.dispose();
		await providers.close();
	});

	test(`the runtime is ${LINE}`, () => {
		// What N8N_LINE promised is what runs, read from the installed runtime itself.
		expect(runtimeVersions).toEqual({ n8n: spec.n8nVersion, node: `v${spec.nodeVersion}` });
	});

	test('RingCX lists users with the permanent token it minted after one login, and stores that token', async () => {
		const server = providers.servers.ringCx;
		const result = await bed.execute(ringCxId);
		result.assertOk();

		expect(result.nodeOutput('Users')).toEqual([expect.objectContaining({ userName: expect.any(String) })]);
		expect(providers.ringCx.state.loginCount).toBe(1);
		expect(providers.ringCx.state.mintCount).toBe(1);
		const [token] = providers.ringCx.apiTokensOf(admin.userId);
		expect(server.requests('GET', '/api/v1/admin/users').at(-1)).toMatchObject({
			status: 200,
			headers: expect.objectContaining({ 'x-auth-token': token }),
		});
		expect((await bed.readCredential(RINGCX.id)).sessionToken).toBe(token);
	});

	test('Satellite sends a code with a client-credentials token, and stores that token', async () => {
		const server = providers.servers.satellite;
		const result = await bed.execute(satelliteId);
		result.assertOk();

		expect(result.nodeOutput('Send Code')).toEqual([{ data: { email: someone.email }, meta: [] }]);
		expect(providers.satellite.lastCodeFor(someone.email)).toMatch(/^\d+$/);
		expect(
			server.requests('POST', '/oauth/v2/token').map((call) => (call.json as { grant_type: string }).grant_type),
		).toEqual(['client_credentials']);
		const stored = await bed.readCredential(SATELLITE.id);
		expect(server.requests('POST', '/otp/send').map((call) => call.headers.authorization)).toEqual([
			`Bearer ${String(stored.accessToken)}`,
		]);
		expect(JSON.stringify(result.run)).not.toContain(SATELLITE_CLIENT.clientSecret);
	});

	test('Viafoura logs a reader in with a site token, and stores that token', async () => {
		const server = providers.servers.viafoura;
		const result = await bed.execute(viafouraId);
		result.assertOk();

		const [output] = result.nodeOutput('Log In');
		const user = providers.viafoura.users().find((candidate) => candidate.id === 'compat-reader');
		expect(output).toEqual(
			expect.objectContaining({ user_id: user?.user_id, session: expect.stringMatching(/^[a-z0-9]{26}$/) }),
		);
		expect(server.requests('POST', '/oauth2/token')).toHaveLength(1);
		const stored = await bed.readCredential(VIAFOURA.id);
		expect(server.requests('POST', '/rest/v1/accounts/login').map((call) => call.headers.authorization)).toEqual([
			`Bearer ${String(stored.accessToken)}`,
		]);
	});

	test("n8n's HTTP Request node calls Virtuous with the virtuousApi credential: password grant, then the stored token", async () => {
		const server = providers.servers.virtuous;
		const result = await bed.execute(virtuousId);
		result.assertOk();

		expect(result.nodeOutput('Organization')).toEqual([VIRTUOUS_ORGANIZATION]);
		expect(server.requests('POST', '/Token').map((call) => call.form?.grant_type)).toEqual(['password']);
		const stored = await bed.readCredential(VIRTUOUS.id);
		expect(stored.refreshToken).toBe(providers.virtuous.refreshTokensOf(plain.email)[0]);
		expect(server.requests('GET', '/api/Organization/Current').at(-1)).toMatchObject({
			status: 200,
			headers: expect.objectContaining({ authorization: `Bearer ${String(stored.accessToken)}` }),
		});
		expect(JSON.stringify(result.run)).not.toContain(plain.password);
	});
});

describe(`credential tests in the editor (${LINE}, n8n start)`, () => {
	const providers = new Providers();
	let n8n: N8nServer;
	let client: N8nRestClient;

	beforeAll(async () => {
		await providers.listen();
		const viafoura = providers.credentials().find((credential) => credential.type === 'viafouraApi')!;
		n8n = await N8nServer.start({
			name: `compat-editor-${spec.n8nVersion}`,
			credentials: [
				...providers.credentials(),
				{ ...viafoura, ...VIAFOURA_WRONG_KEY, data: { ...viafoura.data, apiKey: 'not-the-key' } },
			],
		});
		client = await n8n.logIn();
	});

	afterAll(async () => {
		await n8n?.stop();
		await providers.close();
	});

	test('RingCX: the test logs in, mints the permanent token and lists users with it', async () => {
		await expect(client.testCredential(RINGCX.id)).resolves.toMatchObject({ status: 'OK' });
		const [token] = providers.ringCx.apiTokensOf(admin.userId);
		expect(providers.ringCx.state.mintCount).toBe(1);
		expect(providers.servers.ringCx.requests('GET', '/api/v1/admin/users').at(-1)).toMatchObject({
			status: 200,
			headers: expect.objectContaining({ 'x-auth-token': token }),
		});
	});

	test('Satellite: the test gets a client token and Satellite accepts it', async () => {
		await expect(client.testCredential(SATELLITE.id)).resolves.toMatchObject({ status: 'OK' });
		const server = providers.servers.satellite;
		expect(server.requests('POST', '/oauth/v2/token').map((call) => call.status)).toEqual([200]);
		expect(server.requests('POST', '/otp/send')).toEqual([
			expect.objectContaining({
				headers: expect.objectContaining({ authorization: expect.stringMatching(/^Bearer \S+$/) }),
			}),
		]);
	});

	test('Viafoura: the test gets a site token and Viafoura accepts it', async () => {
		await expect(client.testCredential(VIAFOURA.id)).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(providers.servers.viafoura.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 200',
			'POST /rest/v1/accounts/logout 400',
		]);
	});

	test('Viafoura: a wrong API key fails with the package message, without the key', async () => {
		const result = await client.testCredential(VIAFOURA_WRONG_KEY.id);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Viafoura rejected the site ID or API key (HTTP 401 invalid_client)');
		expect(result.message).not.toContain('not-the-key');
	});

	test('Virtuous: the test signs in with the password grant and reads the organization', async () => {
		await expect(client.testCredential(VIRTUOUS.id)).resolves.toMatchObject({ status: 'OK' });
		const server = providers.servers.virtuous;
		expect(server.requests('POST', '/Token').map((call) => `${call.form?.grant_type} ${call.status}`)).toEqual([
			'password 200',
		]);
		expect(server.requests('GET', '/api/Organization/Current').map((call) => call.status)).toEqual([200]);
	});
});
