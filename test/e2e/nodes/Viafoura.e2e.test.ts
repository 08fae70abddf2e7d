/**
 * The Viafoura credential inside a real n8n, where n8n keeps its token: the credential signs n8n's own
 * HTTP Request node and n8n stores the token it got; the next execution's 50 logins start with that
 * stored token, Viafoura expires every token after the 25th, and exactly one new token is fetched and
 * stored for the 50 logouts after them. (The node's requests, input checks and output are
 * unit-tested; compat.e2e covers the node's first sign-in and the credential test in the editor.)
 */
import { N8nTestBed } from '../../n8n/testBed';
import { httpRequestNode, itemsOf, manualWorkflow, packageNode } from '../../n8n/workflows';
import { ProviderServer } from '../../providers/providerServer';
import { VIAFOURA_SITE, createViafoura } from '../../providers/viafoura';

jest.setTimeout(15 * 60 * 1000);

const provider = createViafoura();
const server = new ProviderServer(provider);
const SITE = { id: 'viafouraSite00001', name: 'Viafoura site' };
const BATCH = 50;

let bed: N8nTestBed;
let httpRequestId: string;
let batchId: string;

const tokenRequests = () => server.requests('POST', '/oauth2/token');
const loginRequests = () => server.requests('POST', '/rest/v1/accounts/login');

beforeAll(async () => {
	const baseUrl = await server.listen();
	bed = await N8nTestBed.create({ name: 'viafoura' });
	await bed.importCredentials([
		{ ...SITE, type: 'viafouraApi', data: { baseUrl, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey } },
	]);
	const readers = Array.from({ length: BATCH }, (_, i) => ({
		userId: `batch-${i}`,
		name: `Reader ${i} & Co`,
		email: `batch-${i}@example.com`,
	}));
	[httpRequestId, batchId] = await bed.importWorkflows([
		manualWorkflow('Viafoura login through the HTTP Request node', [
			httpRequestNode('HTTP Request', 'viafouraApi', SITE, {
				method: 'POST',
				url: `${baseUrl}/rest/v1/accounts/login`,
				sendBody: true,
				contentType: 'form-urlencoded',
				bodyParameters: {
					parameters: [
						{ name: 'id', value: 'http-request-reader' },
						{ name: 'name', value: 'Via HTTP Request' },
					],
				},
			}),
		]),
		manualWorkflow('Viafoura: 50 logins, then 50 logouts', [
			...itemsOf(readers),
			packageNode(
				'viafoura',
				'Log In',
				{
					resource: 'session',
					operation: 'login',
					userId: '={{ $json.userId }}',
					name: '={{ $json.name }}',
					email: '={{ $json.email }}',
					concurrency: 5,
				},
				SITE,
			),
			packageNode(
				'viafoura',
				'Log Out',
				{ resource: 'session', operation: 'logout', session: '={{ $json.session }}', concurrency: 5 },
				SITE,
			),
		]),
	]);
});

afterAll(async () => {
	await bed?.dispose();
	await server.close();
});

beforeEach(() => {
	server.clearLog();
	server.resetFaults();
});

test("the credential signs n8n's own HTTP Request node, and n8n stores the token it got", async () => {
	const result = await bed.execute(httpRequestId);
	result.assertOk();

	const [output] = result.nodeOutput('HTTP Request');
	const user = provider.users().find((candidate) => candidate.id === 'http-request-reader');
	expect(output).toEqual({ user_id: user?.user_id, session: expect.stringMatching(/^[a-z0-9]{26}$/) });
	expect(tokenRequests()).toHaveLength(1);
	const stored = await bed.readCredential(SITE.id);
	expect(loginRequests().map((call) => call.headers.authorization)).toEqual([`Bearer ${String(stored.accessToken)}`]);
	expect(Date.parse(String(stored.tokenExpiresAt))).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
});

// Starts with the token the test above stored.
test('50 logins, every token expired after the 25th, then 50 logouts: exactly one new token request', async () => {
	const tokenBefore = String((await bed.readCredential(SITE.id)).accessToken);
	expect(tokenBefore).not.toBe('');
	server.setLatency(15);
	provider.expireTokensAfterLogins(25);

	const result = await bed.execute(batchId);
	result.assertOk();

	expect(tokenRequests()).toHaveLength(1);
	const logins = result.nodeOutput('Log In');
	expect(logins).toHaveLength(BATCH);
	const users = new Map(provider.users().map((user) => [user.id, user]));
	// Input order is kept although five requests run at a time.
	expect(logins.map((item) => item.user_id)).toEqual(
		Array.from({ length: BATCH }, (_, i) => users.get(`batch-${i}`)?.user_id),
	);
	expect(new Set(logins.map((item) => item.user_id)).size).toBe(BATCH);
	expect(users.get('batch-7')).toMatchObject({ name: 'Reader 7 & Co', email: 'batch-7@example.com' });
	// The first logins went out with the stored token until Viafoura refused it, and were sent again with the new one.
	const refused = loginRequests().filter((call) => call.status === 401);
	expect(refused.length).toBeGreaterThanOrEqual(1);
	expect(refused.every((call) => call.headers.authorization === `Bearer ${tokenBefore}`)).toBe(true);
	expect(loginRequests().filter((call) => call.status === 200)).toHaveLength(BATCH);

	const logouts = result.nodeOutput('Log Out');
	expect(logouts).toEqual(logins.map((item) => ({ session: item.session, loggedOut: true })));
	const live = new Set(provider.liveSessions().map((session) => session.session));
	expect(logins.filter((item) => live.has(String(item.session)))).toEqual([]);

	const stored = await bed.readCredential(SITE.id);
	expect(stored.accessToken).not.toBe(tokenBefore);
	expect(server.requests('POST', '/rest/v1/accounts/logout').at(-1)?.headers.authorization).toBe(
		`Bearer ${String(stored.accessToken)}`,
	);
});
