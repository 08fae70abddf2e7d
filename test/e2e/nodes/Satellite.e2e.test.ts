/* eslint-disable @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The README's Satellite example in a running n8n, through its forms as a visitor uses them: a wrong
 * code takes the Verify node's error output to the "That code did not work" page, the code that was
 * emailed signs the visitor in. (`npm run demo` runs the right-code path too; the nodes' requests are
 * unit-tested.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nFormVisitor, N8nServer } from '../../n8n/n8nServer';
import { REPO_ROOT, type WorkflowFixture } from '../../n8n/testBed';
import { ProviderServer } from '../../providers/providerServer';
import { SATELLITE_CLIENT, SATELLITE_USERS, createSatellite } from '../../providers/satellite';

jest.setTimeout(15 * 60 * 1000);

const [someone, , ana] = SATELLITE_USERS;
const provider = createSatellite();
const server = new ProviderServer(provider);
/** The credential the example workflow refers to, so it runs as imported. */
const EXAMPLE_CREDENTIAL = { id: 'satelliteCredential', name: 'Satellite account' };
const example = JSON.parse(
	readFileSync(join(REPO_ROOT, 'examples', 'satellite-send-then-verify.json'), 'utf8'),
) as WorkflowFixture;
const formPath = example.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger')?.webhookId as string;

let n8n: N8nServer;

beforeAll(async () => {
	await server.listen();
	const data = {
		baseUrl: server.url,
		grantType: 'clientCredentials',
		clientId: SATELLITE_CLIENT.clientId,
		clientSecret: SATELLITE_CLIENT.clientSecret,
	};
	n8n = await N8nServer.start({
		name: 'satellite-forms',
		credentials: [{ ...EXAMPLE_CREDENTIAL, type: 'satelliteApi', data }],
		workflows: [example],
	});
	await (await n8n.logIn()).activateWorkflow(n8n.workflowIds[0]);
});

afterAll(async () => {
	await n8n?.stop();
	await server.close();
});

test('the README example signs a visitor in through its forms, and turns a wrong code away', async () => {
	const forms = new N8nFormVisitor(n8n.url);
	/** Signs in on the form as `email`, typing what `typed` makes of the code Satellite emailed. */
	const visit = async (email: string, typed: (sent: string) => string) => {
		const askForCode = await forms.submit(await forms.open(`/form/${formPath}`), { Email: email });
		expect(askForCode.title).toBe('Check your email');
		const sent = provider.lastCodeFor(email);
		expect(sent).toMatch(/^\d{6}$/);
		return await forms.submit(askForCode, { Code: typed(sent!) });
	};

	const wrong = await visit(ana.email, (sent) => (sent === '000000' ? '999999' : '000000'));
	expect(wrong.text).toContain('That code did not work');

	const signedIn = await visit(someone.email, (sent) => sent);
	expect(signedIn.text).toContain("You're signed in");
	expect(signedIn.text).toContain('Your session lasts 60 minutes.');
	const verifications = server.requests('POST', '/oauth/v2/token').slice(-2);
	expect(verifications.map((call) => `${(call.json as { username?: string }).username} ${call.status}`)).toEqual([
		`${ana.email} 400`,
		`${someone.email} 200`,
	]);
});
