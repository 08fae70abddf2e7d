/**
 * One entry per provider: what `npm start`, `npm run demo` and the browser tests need to show it
 * working against its bundled provider server: demo credentials pointing at the local server, the
 * example workflows that use them, and what to do before the demo runs an example.
 *
 * Adding a provider = adding an entry here (its server must be in test/providers/index.ts).
 */
import type { N8nFormVisitor } from '../../test/n8n/n8nServer';
import type { CredentialFixture, WorkflowFixture } from '../../test/n8n/testBed';
import type { ProviderServer } from '../../test/providers/providerServer';
import { RINGCENTRAL_APP, RINGCENTRAL_JWTS } from '../../test/providers/ringcentral';
import { RINGCX_ACCOUNTS } from '../../test/providers/ringcx';
import { VIAFOURA_SITE } from '../../test/providers/viafoura';
import { SATELLITE_CLIENT, SATELLITE_USERS, type SatelliteState } from '../../test/providers/satellite';
import { VIRTUOUS_API_KEY, VIRTUOUS_USERS, type VirtuousState } from '../../test/providers/virtuous';

export interface DemoExample {
	/** File name in examples/. */
	file: string;
	/**
	 * Runs just before `npm run demo` executes the example, against the local provider server
	 * (e.g. leaves something behind for the example to clean up).
	 */
	beforeDemoRun?: (server: ProviderServer) => Promise<void>;
	/**
	 * For examples that a person starts outside the editor (a form, a webhook): does what that
	 * person does, over HTTP, so that `npm run demo` can run them. Examples without it are started
	 * from their manual trigger, like the editor's "Execute workflow" button.
	 */
	actOutDemoRun?: (context: DemoRunContext) => Promise<void>;
}

export interface DemoRunContext {
	/** The local provider server of the entry. */
	server: ProviderServer;
	/** The imported workflow (production URLs already pointed at the local servers). */
	workflow: WorkflowFixture;
	/** A visitor of n8n's forms on the running n8n. */
	forms: N8nFormVisitor;
}

export interface DemoProvider {
	/** The provider server's name in test/providers/index.ts. */
	provider: string;
	/** The provider's name as people know it. */
	label: string;
	/** Demo credentials, pointing at the local server at `serverUrl` (and, where a sign-in needs another, at `servers`). */
	credentials(serverUrl: string, servers: Record<string, string>): CredentialFixture[];
	/**
	 * Production URLs that example workflows use in node parameters (e.g. an HTTP Request node's
	 * URL). The demo imports the examples with them pointed at the local server instead, so the
	 * example files stay right for real accounts.
	 */
	productionUrls?: string[];
	/** Lines `npm start` prints about this provider (demo logins, where codes show up). */
	notes?(serverUrl: string): string[];
	/**
	 * Everything the provider 'sent' to a person so far (texted codes, emails), one line each, oldest
	 * first: `npm start` prints new ones as they happen, so a person can type the code in.
	 */
	messages?(server: ProviderServer): string[];
	examples: DemoExample[];
}

const ringCxAdmin = RINGCX_ACCOUNTS[0];

export const RINGCX_DEMO_CREDENTIAL = { id: 'demoRingCxApi0001', name: 'RingCX (local demo server)' };

export const RINGCX_RINGCENTRAL_DEMO_CREDENTIAL = {
	id: 'demoRingCxRcLogin',
	name: 'RingCX, RingCentral login (local demo servers)',
};

export const VIRTUOUS_DEMO_CREDENTIAL = { id: 'demoVirtuousApi01', name: 'Virtuous (local demo server)' };

export const VIAFOURA_DEMO_CREDENTIAL = { id: 'demoViafouraApi01', name: 'Viafoura (local demo server)' };

/** The id the Satellite example refers to. */
export const SATELLITE_DEMO_CREDENTIAL = { id: 'satelliteCredential', name: 'Satellite (local demo server)' };

export const DEMO_PROVIDERS: DemoProvider[] = [
	{
		provider: 'ringcx',
		label: 'RingCX',
		credentials: (serverUrl, servers) => [
			{
				...RINGCX_DEMO_CREDENTIAL,
				type: 'ringCxApi',
				data: {
					server: 'custom',
					baseUrl: `${serverUrl}/api`,
					authMethod: 'password',
					username: ringCxAdmin.username,
					password: ringCxAdmin.password,
				},
			},
			...(servers.ringcentral
				? [
						{
							...RINGCX_RINGCENTRAL_DEMO_CREDENTIAL,
							type: 'ringCxApi',
							data: {
								server: 'custom',
								baseUrl: `${serverUrl}/voice/api`,
								authMethod: 'ringCentralJwt',
								ringCentralUrl: servers.ringcentral,
								clientId: RINGCENTRAL_APP.clientId,
								clientSecret: RINGCENTRAL_APP.clientSecret,
								jwt: RINGCENTRAL_JWTS.admin,
							},
						},
					]
				: []),
		],
		notes: (serverUrl) => [
			`Legacy portal: Base URL ${serverUrl}/api, username ${ringCxAdmin.username}, password ${ringCxAdmin.password}`,
			`RingCentral login: Base URL ${serverUrl}/voice/api; the demo credential holds the demo app and JWT`,
		],
		examples: [
			{
				file: 'ringcx-token-housekeeping.json',
				// Two tokens an earlier script created and never deleted: what the example cleans up.
				beforeDemoRun: async (server) => {
					const authToken = await ringCxLogIn(server.url, ringCxAdmin.username, ringCxAdmin.password);
					for (let i = 0; i < 2; i++)
						await providerCall(server.url, 'POST', '/api/v1/admin/token', { 'X-Auth-Token': authToken });
				},
			},
		],
	},
	{
		provider: 'virtuous',
		label: 'Virtuous',
		credentials: (serverUrl) => [
			{
				...VIRTUOUS_DEMO_CREDENTIAL,
				type: 'virtuousApi',
				data: {
					baseUrl: serverUrl,
					authMethod: 'password',
					email: VIRTUOUS_USERS.plain.email,
					password: VIRTUOUS_USERS.plain.password,
				},
			},
		],
		productionUrls: ['https://api.virtuoussoftware.com'],
		notes: (serverUrl) => [
			`Base URL ${serverUrl}; API key ${VIRTUOUS_API_KEY}`,
			`Email and password: ${VIRTUOUS_USERS.plain.email} / ${VIRTUOUS_USERS.plain.password}`,
			`Two-factor user: ${VIRTUOUS_USERS.twoFactor.email} / ${VIRTUOUS_USERS.twoFactor.password} (the texted code is printed below)`,
		],
		messages: (server) =>
			(server.provider.snapshot() as VirtuousState).sentCodes.map(
				(sent) => `texted verification code ${sent.code} to ${sent.phone} (${sent.email})`,
			),
		examples: [{ file: 'virtuous-http-request.json' }],
	},
	{
		provider: 'satellite',
		label: 'Satellite',
		credentials: (serverUrl) => [
			{
				...SATELLITE_DEMO_CREDENTIAL,
				type: 'satelliteApi',
				data: {
					baseUrl: serverUrl,
					grantType: 'clientCredentials',
					clientId: SATELLITE_CLIENT.clientId,
					clientSecret: SATELLITE_CLIENT.clientSecret,
				},
			},
		],
		notes: (serverUrl) => [
			`Base URL ${serverUrl}; client ID ${SATELLITE_CLIENT.clientId}, client secret ${SATELLITE_CLIENT.clientSecret}`,
			`Sign in on the example's form as ${SATELLITE_USERS[0].email} (the emailed code is printed below)`,
		],
		messages: (server) =>
			(server.provider.snapshot() as SatelliteState).outbox.map(
				(sent) => `${sent.channel === 'email' ? 'emailed' : 'texted'} one-time code ${sent.code} to ${sent.to}`,
			),
		examples: [
			{
				file: 'satellite-send-then-verify.json',
				// A visitor signs in on the form: types the email, reads the emailed code, types it.
				actOutDemoRun: async ({ server, workflow, forms }) => {
					const email = SATELLITE_USERS[0].email;
					const signIn = await forms.open(formTriggerPath(workflow));
					const askForCode = await forms.submit(signIn, { Email: email });
					const code = (server.provider.snapshot() as SatelliteState).outbox
						.filter((sent) => sent.to === email)
						.at(-1)?.code;
					if (!code) throw new Error(`The Satellite server sent no code to ${email}`);
					await forms.submit(askForCode, { Code: code });
				},
			},
		],
	},
	{
		provider: 'viafoura',
		label: 'Viafoura',
		credentials: (serverUrl) => [
			{
				...VIAFOURA_DEMO_CREDENTIAL,
				type: 'viafouraApi',
				data: { baseUrl: serverUrl, siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey },
			},
		],
		notes: (serverUrl) => [`Base URL ${serverUrl}; site ID ${VIAFOURA_SITE.siteId}, API key ${VIAFOURA_SITE.apiKey}`],
		examples: [{ file: 'viafoura-login-logout.json' }],
	},
];

/** The production path of a workflow's form trigger: `form/<path or webhook id>`. */
export function formTriggerPath(workflow: WorkflowFixture): string {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger');
	if (!trigger) throw new Error(`Workflow "${workflow.name}" has no form trigger`);
	const path = (trigger.parameters?.path as string | undefined) || (trigger.webhookId as string | undefined);
	if (!path) throw new Error(`The form trigger of "${workflow.name}" has neither a path nor a webhook id`);
	return `/form/${path}`;
}

async function ringCxLogIn(serverUrl: string, username: string, password: string): Promise<string> {
	const body = await providerCall(
		serverUrl,
		'POST',
		'/api/v1/auth/login',
		{ 'Content-Type': 'application/x-www-form-urlencoded' },
		new URLSearchParams({ username, password }).toString(),
	);
	return (JSON.parse(body) as { authToken: string }).authToken;
}

/** A plain HTTP call to a local provider server, for demo set-up steps. */
export async function providerCall(
	serverUrl: string,
	method: string,
	path: string,
	headers: Record<string, string> = {},
	body?: string,
): Promise<string> {
	const response = await fetch(`${serverUrl}${path}`, { method, headers, body });
	const text = await response.text();
	if (!response.ok)
		throw new Error(`Demo set-up: ${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
	return text;
}
