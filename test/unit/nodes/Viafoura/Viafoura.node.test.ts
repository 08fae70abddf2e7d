/**
 * The Viafoura node: its description (what saved workflows depend on), and its Log In and Log Out
 * operations run through the node's own `execute` against the bundled Viafoura server over HTTP,
 * with n8n's execution semantics (test/support/nodeExecutionContext.ts).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ViafouraApi } from '../../../../credentials/ViafouraApi.credentials';
import { createViafoura } from '../../../providers/viafoura';
import { viafouraCredentialData } from '../../../support/credentialFixtures';
import { DEFAULT_CONCURRENCY } from '../../../../nodeExecution/nodeRequests';
import { failureOf } from '../../../support/failureOf';
import { CredentialStore, nodeRunner, type ParameterValue } from '../../../support/nodeExecutionContext';
import { providerFixture } from '../../../support/providerFixture';
import { platformScriptTag } from '../../../../nodes/Viafoura/actions/session/platformScriptTag';
import { Viafoura } from '../../../../nodes/Viafoura/Viafoura.node';

const runViafouraNode = nodeRunner({
	nodeType: Viafoura,
	credentialType: ViafouraApi,
	credential: { id: 'viafoura-credential', name: 'Viafoura demo' },
});
const { server, provider, baseUrl } = providerFixture(createViafoura);

function credentialStore(overrides: ICredentialDataDecryptedObject = {}): CredentialStore {
	return new CredentialStore(viafouraCredentialData(baseUrl(), overrides));
}

const login = (parameters: Record<string, ParameterValue>) => ({
	resource: 'session',
	operation: 'login',
	...parameters,
});
const logout = (parameters: Record<string, ParameterValue>) => ({
	resource: 'session',
	operation: 'logout',
	...parameters,
});
const tokenCalls = () => server.requests('POST', '/oauth2/token');
const loginCalls = () => server.requests('POST', '/rest/v1/accounts/login');
const logoutCalls = () => server.requests('POST', '/rest/v1/accounts/logout');

describe('Log In', () => {
	it('gets a token, then posts id, name and email form-encoded with the Bearer token, and outputs the answer', async () => {
		const store = credentialStore();
		const { output, storedCredential } = await runViafouraNode(store, {
			parameters: login({ userId: '  reader-1001 ', name: ' Zoë & Jo + Co ', email: 'zoe@example.com' }),
		});

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /oauth2/token 200',
			'POST /rest/v1/accounts/login 200',
		]);
		const [request] = loginCalls();
		expect(request.contentType).toBe('application/x-www-form-urlencoded');
		expect(request.rawBody).toBe('id=reader-1001&name=Zo%C3%AB%20%26%20Jo%20%2B%20Co&email=zoe%40example.com');
		expect(request.form).toEqual({ id: 'reader-1001', name: 'Zoë & Jo + Co', email: 'zoe@example.com' });
		// The token has '+', '/' and '=': it reaches the server exactly as issued.
		expect(request.headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
		expect(String(storedCredential.accessToken)).toMatch(/[+/]/);

		const user = provider.users().find((candidate) => candidate.id === 'reader-1001');
		const session = provider.liveSessions().find((live) => live.user_id === user?.user_id)?.session;
		expect(output).toEqual([
			{
				json: { user_id: user?.user_id, session, scriptTag: platformScriptTag(String(user?.user_id), String(session)) },
				pairedItem: { item: 0 },
			},
		]);
		expect(typeof output[0].json.user_id).toBe('number');
		expect(output[0].json.scriptTag).toContain(`data-uid="${user?.user_id}" data-sid="${session}"`);
	});

	it('leaves email out when it is empty, and a later login updates the same Viafoura user', async () => {
		const store = credentialStore();
		const first = await runViafouraNode(store, {
			parameters: login({ userId: 'reader-2002', name: 'Ana', email: '' }),
		});
		expect(loginCalls()[0].rawBody).toBe('id=reader-2002&name=Ana');

		const second = await runViafouraNode(store, {
			parameters: login({ userId: 'reader-2002', name: 'Ana Lima', email: 'ana@example.com' }),
		});

		expect(second.output[0].json.user_id).toBe(first.output[0].json.user_id);
		expect(second.output[0].json.session).not.toBe(first.output[0].json.session);
		expect(provider.users().find((user) => user.id === 'reader-2002')).toMatchObject({
			name: 'Ana Lima',
			email: 'ana@example.com',
		});
		// The second run found the token in the stored credential.
		expect(tokenCalls()).toHaveLength(1);
	});

	it('accepts a numeric user ID from an expression', async () => {
		await runViafouraNode(credentialStore(), { parameters: login({ userId: 4242, name: 'Numeric' }) });
		expect(loginCalls()[0].form).toEqual({ id: '4242', name: 'Numeric' });
	});
});

describe('Log Out', () => {
	it('posts the session form-encoded with the Bearer token and ends it', async () => {
		const store = credentialStore();
		const { output: loggedIn } = await runViafouraNode(store, {
			parameters: login({ userId: 'reader-3003', name: 'Lu' }),
		});
		const session = String(loggedIn[0].json.session);
		server.clearLog();

		const { output, storedCredential } = await runViafouraNode(store, {
			parameters: logout({ session: ` ${session} ` }),
		});

		expect(server.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'POST /rest/v1/accounts/logout 200',
		]);
		const [request] = logoutCalls();
		expect(request.contentType).toBe('application/x-www-form-urlencoded');
		expect(request.rawBody).toBe(`session=${session}`);
		expect(request.headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
		expect(output).toEqual([{ json: { session, loggedOut: true }, pairedItem: { item: 0 } }]);
		expect(provider.liveSessions().map((live) => live.session)).not.toContain(session);
	});

	it('fails a session Viafoura does not know with its status and code', async () => {
		const error = await failureOf(
			runViafouraNode(credentialStore(), { parameters: logout({ session: 'o52l4itrv8q4p8n4amsou1c567' }) }),
		);
		expect(error.message).toBe('Viafoura answered HTTP 404 session_not_found');
	});
});

describe('bad input', () => {
	const names = (itemIndex: number) => (itemIndex === 7 ? '   ' : `Reader ${itemIndex}`);

	it('stops before anything is sent, naming the parameter and the item', async () => {
		const error = await failureOf(
			runViafouraNode(credentialStore(), {
				items: 10,
				parameters: login({ userId: (i: number) => `bad-input-${i}`, name: names }),
			}),
		);
		expect(error.message).toBe('The "Name" of item 7 is empty');
		expect(error.context?.itemIndex).toBe(7);
		expect(server.log).toHaveLength(0);
	});

	it('with Continue On Fail, the bad item carries its error and every other item is logged in', async () => {
		const { output } = await runViafouraNode(credentialStore(), {
			items: 10,
			continueOnFail: true,
			parameters: login({ userId: (i: number) => `cof-${i}`, name: names }),
		});
		expect(output).toHaveLength(10);
		expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: 10 }, (_, item) => ({ item })));
		expect(output[7].json).toEqual({ error: 'The "Name" of item 7 is empty' });
		expect(output.filter((item) => typeof item.json.session === 'string')).toHaveLength(9);
		expect(
			loginCalls()
				.map((call) => call.form?.id)
				.sort(),
		).toEqual(
			Array.from({ length: 10 }, (_, i) => `cof-${i}`)
				.filter((id) => id !== 'cof-7')
				.sort(),
		);
	});

	it('names a missing user ID, a malformed email and a missing session', async () => {
		const store = credentialStore();
		const run = (parameters: Record<string, ParameterValue>) => failureOf(runViafouraNode(store, { parameters }));
		expect((await run(login({ userId: '', name: 'X' }))).message).toBe('The "User ID" of item 0 is empty');
		expect((await run(login({ userId: 'x', name: 'X', email: 'not an email' }))).message).toBe(
			'The "Email" of item 0 is not an email address',
		);
		expect((await run(logout({ session: '' }))).message).toBe('The "Session" of item 0 is empty');
		expect(server.log).toHaveLength(0);
	});

	it('a wrong API key fails every item with one token request and no secret in the message', async () => {
		const { output } = await runViafouraNode(credentialStore({ apiKey: 'wrong key' }), {
			items: 6,
			continueOnFail: true,
			parameters: login({ userId: (i: number) => `wrong-${i}`, name: 'N' }),
		});
		expect(output.map((item) => item.json.error)).toEqual(
			Array(6).fill('Viafoura rejected the site ID or API key (HTTP 401 invalid_client)'),
		);
		expect(tokenCalls()).toHaveLength(1);
		expect(loginCalls()).toHaveLength(0);
	});
});

describe('many items at once', () => {
	it('sends up to "Max Concurrent Requests" at a time, keeps input order, and reads the credential once', async () => {
		server.setLatency(30);
		const store = credentialStore();
		const { output } = await runViafouraNode(store, {
			items: 20,
			parameters: login({ userId: (i: number) => `order-${i}`, name: (i: number) => `Reader ${i}`, concurrency: 4 }),
		});
		expect(store.maxInFlight).toBe(4);
		expect(store.reads).toBe(1);
		const users = new Map(provider.users().map((user) => [user.id, user.user_id]));
		expect(output.map((item) => item.json.user_id)).toEqual(
			Array.from({ length: 20 }, (_, i) => users.get(`order-${i}`)),
		);
		expect(tokenCalls()).toHaveLength(1);
	});

	it(`falls back to ${DEFAULT_CONCURRENCY} at a time when "Max Concurrent Requests" is not a number`, async () => {
		// Long enough for every start to be under way before the first answer (starts take turns).
		server.setLatency(200);
		const store = credentialStore();
		await runViafouraNode(store, {
			items: DEFAULT_CONCURRENCY + 10,
			parameters: login({ userId: (i: number) => `fallback-${i}`, name: 'N', concurrency: '' }),
		});
		expect(store.maxInFlight).toBe(DEFAULT_CONCURRENCY);
		expect(loginCalls()).toHaveLength(DEFAULT_CONCURRENCY + 10);
	});

	it('replaces a token refused half-way through a batch exactly once (token cached from an earlier run)', async () => {
		const store = credentialStore();
		await runViafouraNode(store, { parameters: login({ userId: 'warm-up', name: 'Warm Up' }) });
		const earlierToken = store.data.accessToken;
		server.clearLog();
		server.setLatency(20);
		provider.expireTokensAfterLogins(25);

		const { output, storedCredential } = await runViafouraNode(store, {
			items: 50,
			parameters: login({ userId: (i: number) => `half-${i}`, name: (i: number) => `Reader ${i}`, concurrency: 5 }),
		});

		expect(output.filter((item) => typeof item.json.session === 'string')).toHaveLength(50);
		expect(tokenCalls()).toHaveLength(1);
		expect(loginCalls().filter((call) => call.status === 401).length).toBeGreaterThanOrEqual(1);
		expect(storedCredential.accessToken).not.toBe(earlierToken);
		expect(loginCalls().at(-1)?.headers.authorization).toBe(`Bearer ${String(storedCredential.accessToken)}`);
	});

	// The token renewed at the start of the run is itself refused: isAccepted tells it from a late 401 of
	// a request that went out with an older token, so the batch renews exactly once.
	it('replaces a token refused half-way through a batch exactly once (first token fetched in the same run)', async () => {
		const store = credentialStore();
		server.setLatency(20);
		provider.expireTokensAfterLogins(25);

		const { output } = await runViafouraNode(store, {
			items: 50,
			continueOnFail: true,
			parameters: login({ userId: (i: number) => `fresh-${i}`, name: (i: number) => `Reader ${i}`, concurrency: 5 }),
		});

		expect(output.filter((item) => item.json.error !== undefined).map((item) => item.json.error)).toEqual([]);
		expect(tokenCalls()).toHaveLength(2);
	});
});

describe('platform script tag', () => {
	it('is the documented tag with the values escaped inside their quotes', () => {
		expect(platformScriptTag('7000000003119', 'o52l4itrv8q4p8n4amsou1c567')).toBe(
			[
				'<script id="viafoura-platform" data-uid="7000000003119" data-sid="o52l4itrv8q4p8n4amsou1c567">',
				"(function(v,s){v.type='text/javascript';v.async=!0;",
				"v.src='//cdn.viafoura.net/vf.js';;",
				's.parentNode.insertBefore(v,s)}',
				"(document.createElement('script'),document.getElementsByTagName('script')[0]));</script>",
			].join('\n'),
		);
		expect(platformScriptTag('1"><img src=x>', "a&b'c")).toContain(
			'data-uid="1&quot;&gt;&lt;img src=x&gt;" data-sid="a&amp;b&#39;c"',
		);
	});
});
