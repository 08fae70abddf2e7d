/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- not shipped: runs in Node, not inside n8n */
/**
 * The editor experience in a real browser: Playwright drives Debian's Chromium against a real n8n
 * (server mode, this package installed, the bundled provider servers, the demo credentials and
 * example workflows: what `npm start` opens). It does what a person does: logs in, finds each node
 * in the nodes panel, opens each credential form, sets up RingCX with a username and password and a
 * Virtuous user with two-factor authentication, and runs example workflows. The screenshots it
 * takes are the ones in the README and docs/ (docs/screenshots/), but it writes them there only under
 * SCREENSHOTS=1 (`npm run screenshots`), so that `npm test` leaves the work tree clean; otherwise they go
 * to a temporary folder, still taken, so a page that cannot be captured fails either way.
 *
 * Chromium comes from Debian (`apt-get install chromium`), never from Playwright's downloader;
 * CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { startDemoSetup, type DemoSetup, type ExampleWorkflow } from '../../../scripts/demo/demoSetup';
import { DEMO_OWNER, N8nServer, summarizeExecution, type N8nRestClient } from '../../n8n/n8nServer';
import { REPO_ROOT } from '../../n8n/testBed';
import type { RingCxState } from '../../providers/ringcx';
import { RINGCX_ACCOUNTS } from '../../providers/ringcx';
import type { VirtuousState } from '../../providers/virtuous';
import { VIRTUOUS_USERS } from '../../providers/virtuous';

jest.setTimeout(15 * 60 * 1000);

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const WRITE_SCREENSHOTS = process.env.SCREENSHOTS === '1';
/** Generous: the machine may be busy, and n8n's editor is a large single-page app. */
const UI_TIMEOUT_MS = 60_000;

// n8n marks its elements with data-test-id.
selectors.setTestIdAttribute('data-test-id');

interface PackageJson {
	n8n: { nodes: string[]; credentials: string[] };
}
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Every node the package declares, as the nodes panel should list it. */
function declaredNodes(): Array<{ displayName: string; iconFile: string }> {
	return packageJson.n8n.nodes.map((file) => {
		const module = require(join(REPO_ROOT, file)) as Record<string, new () => { description: { displayName: string; icon?: unknown } }>;
		const NodeClass = Object.values(module)[0];
		const { displayName, icon } = new NodeClass().description;
		const light = typeof icon === 'object' && icon ? (icon as { light: string }).light : String(icon);
		return { displayName, iconFile: light.replace(/^file:/, '') };
	});
}

let setup: DemoSetup;
let n8n: N8nServer;
/** The REST API as the owner, to ask n8n what a run in the editor did. */
let rest: N8nRestClient;
let profileDir: string;
/** docs/screenshots/ under SCREENSHOTS=1, else a temporary folder removed afterwards. */
let screenshotDir: string;
let context: BrowserContext;
let page: Page;

/** A copy of a provider server's state now (the live object keeps changing). */
function provider<State>(name: string): State {
	return JSON.parse(JSON.stringify(setup.providers.servers[name].provider.snapshot())) as State;
}

function example(fileStart: string): ExampleWorkflow {
	const found = setup.examples.find((candidate) => candidate.file.startsWith(fileStart));
	if (!found) throw new Error(`No example file starting with ${fileStart}`);
	return found;
}

async function screenshot(name: string): Promise<void> {
	// A credential form's Save button is blank while it saves; wait for its label.
	await page.waitForFunction(
		`[...document.querySelectorAll('[data-test-id="credential-save-button"]')].every((button) => button.textContent.trim() !== '')`,
	);
	await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

beforeAll(async () => {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`Chromium is not installed at ${CHROMIUM_PATH}. The browser tests use Debian's Chromium: run \`apt-get install -y chromium\` ` +
				'(or set CHROMIUM_PATH). Playwright must not download a browser of its own.',
		);
	}
	if (WRITE_SCREENSHOTS) {
		screenshotDir = join(REPO_ROOT, 'docs', 'screenshots');
		mkdirSync(screenshotDir, { recursive: true });
	} else {
		screenshotDir = await mkdtemp(join(tmpdir(), 'editor-screenshots-'));
	}
	setup = await startDemoSetup();
	n8n = await N8nServer.start({
		name: 'browser',
		credentials: setup.credentials,
		workflows: setup.examples.map((entry) => entry.workflow),
		activate: setup.examples.filter((entry) => !entry.manualTrigger).map((entry) => entry.workflow.id),
	});
	rest = await n8n.logIn();
	profileDir = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
	context = await chromium.launchPersistentContext(profileDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
	});
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
	await context?.close();
	if (profileDir) await rm(profileDir, { recursive: true, force: true });
	if (screenshotDir && !WRITE_SCREENSHOTS) await rm(screenshotDir, { recursive: true, force: true });
	await n8n?.stop();
	await setup?.providers.close();
});

/** Picks an option of an n8n dropdown parameter (credential forms, node parameters) by its name. */
async function choose(scope: Locator, parameter: string, option: string): Promise<void> {
	await scope.getByTestId(`parameter-input-${parameter}`).click();
	// Options show a name and a description; match the name alone.
	const item = page.locator('[data-test-id="parameter-input-item"]:visible').filter({ has: page.getByText(option, { exact: true }) });
	await item.click();
	// Let the list close, so screenshots show the form, not a fading dropdown.
	await item.waitFor({ state: 'hidden' });
	await page.mouse.move(0, 0);
}

async function fill(scope: Locator, parameter: string, value: string): Promise<void> {
	await scope.getByTestId(`parameter-input-${parameter}`).locator('input').fill(value);
}

/** Opens "Create credential" for a credential type; answers the credential form. */
async function openNewCredential(typeDisplayName: string): Promise<Locator> {
	await page.goto(`${n8n.url}/home/credentials`);
	await page.getByTestId('add-resource-credential').click();
	await page.getByTestId('new-credential-type-select').click();
	await page.keyboard.type(typeDisplayName);
	await page.getByTestId('new-credential-type-select-option').filter({ hasText: typeDisplayName }).first().click();
	await page.getByTestId('new-credential-type-button').click();
	const form = page.getByTestId('editCredential-modal');
	await form.getByTestId('credential-connection-parameter').first().waitFor();
	return form;
}

async function renameCredential(form: Locator, name: string): Promise<void> {
	await form.getByTestId('credential-name').click();
	const input = form.getByTestId('inline-edit-input');
	await input.fill(name);
	await input.press('Enter');
}

/** Clicks Save (or Retry) and waits for the connection test n8n runs after it; answers its result. */
async function runsConnectionTest(action: () => Promise<void>): Promise<{ status: string; message?: string }> {
	const answered = page.waitForResponse(
		(response) => response.url().endsWith('/rest/credentials/test') && response.request().method() === 'POST',
	);
	await action();
	const response = await answered;
	return ((await response.json()) as { data: { status: string; message?: string } }).data;
}

async function visibleParameters(form: Locator): Promise<string[]> {
	return await form
		.getByTestId('credential-connection-parameter')
		.evaluateAll((elements) =>
			elements
				.filter((element) => (element as unknown as { offsetParent: unknown }).offsetParent !== null)
				.map((element) => element.querySelector('[data-test-id^="parameter-input-"]')?.getAttribute('data-test-id') ?? '')
				.map((testId) => testId.replace('parameter-input-', '')),
		);
}

async function closeCredentialForm(): Promise<void> {
	await page.getByTestId('editCredential-modal').getByRole('button', { name: 'Close this dialog' }).click();
	await page.getByTestId('editCredential-modal').waitFor({ state: 'hidden' });
}

/**
 * Clicks "Execute workflow" on the open workflow; waits for the execution to finish (asking n8n)
 * and for the canvas to mark every node that ran as successful.
 */
async function executeOpenWorkflow(): Promise<void> {
	const started = page.waitForResponse(
		(response) => /\/rest\/workflows\/[^/]+\/run$/.test(response.url()) && response.request().method() === 'POST',
	);
	await page.getByTestId('execute-workflow-button').click();
	const { data } = (await (await started).json()) as { data: { executionId: string } };
	const execution = await rest.waitForExecution(data.executionId);
	const summary = summarizeExecution(execution);
	expect({ status: summary.status, error: summary.error }).toEqual({ status: 'success', error: undefined });
	const nodesThatRan = Object.keys(execution.data?.resultData.runData ?? {}).length;
	await page.waitForFunction(
		`document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= ${nodesThatRan}`,
	);
	await expect(page.getByTestId('canvas-node-status-error').count()).resolves.toBe(0);
}

test('logs in with the demo login and sees the example workflows', async () => {
	await page.goto(`${n8n.url}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(DEMO_OWNER.email);
	await page.locator('input[name="password"]').fill(DEMO_OWNER.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL(/\/home\/workflows/);
	for (const entry of setup.examples) {
		await page.getByTestId('workflow-card-name').filter({ hasText: entry.name }).first().waitFor();
	}
	await screenshot('workflows');
});

test("finds each node by its provider's name in the nodes panel, with its icon", async () => {
	const nodes = declaredNodes();
	// Exactly the package's four nodes, so the loop below cannot pass by checking nothing.
	expect(nodes.map((node) => node.displayName)).toEqual(['RingCX', 'Satellite', 'Viafoura', 'Virtuous']);
	await page.goto(`${n8n.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	const search = page.getByTestId('node-creator-search-bar');
	for (const node of nodes) {
		await search.fill(node.displayName);
		const item = page.getByTestId('node-creator-action-item').filter({
			has: page.getByTestId('node-creator-item-name').getByText(node.displayName, { exact: true }),
		});
		await item.waitFor();
		const icon = item.locator('img').first();
		await expect(icon.getAttribute('src')).resolves.toContain(node.iconFile);
		// The SVG really loaded (a broken icon has no natural size).
		const loaded = await icon.evaluate((element) => {
			const image = element as unknown as { complete: boolean; naturalWidth: number };
			return image.complete && image.naturalWidth > 0;
		});
		expect({ node: node.displayName, iconLoaded: loaded }).toEqual({ node: node.displayName, iconLoaded: true });
	}
	// The first node's actions, as a builder sees them after picking it.
	await search.fill(nodes[0].displayName);
	await page.getByTestId('node-creator-action-item').first().click();
	await page.getByTestId('node-creator-category-item').filter({ hasText: 'Actions' }).waitFor();
	await screenshot('nodes-panel');
});

interface CredentialFormCase {
	displayName: string;
	/** Visible when the form opens. */
	initially: { visible: string[]; hidden: string[] };
	/** Choosing another authentication method changes the fields. */
	switchTo?: { parameter: string; option: string; visible: string[]; hidden: string[] };
	screenshot: string;
}

const credentialForms: CredentialFormCase[] = [
	{
		displayName: 'RingCX API',
		initially: { visible: ['server', 'authMethod', 'apiToken'], hidden: ['username', 'password', 'baseUrl'] },
		switchTo: {
			parameter: 'authMethod',
			option: 'Username and Password',
			visible: ['username', 'password'],
			hidden: ['apiToken'],
		},
		screenshot: 'credential-ringcx',
	},
	{
		displayName: 'Virtuous API',
		initially: { visible: ['baseUrl', 'authMethod', 'apiKey'], hidden: ['email', 'password', 'otp'] },
		switchTo: { parameter: 'authMethod', option: 'Email and Password', visible: ['email', 'password', 'otp'], hidden: ['apiKey'] },
		screenshot: 'credential-virtuous',
	},
	{
		displayName: 'Satellite API',
		initially: { visible: ['baseUrl', 'grantType', 'clientId', 'clientSecret'], hidden: ['username', 'password'] },
		switchTo: { parameter: 'grantType', option: 'Password', visible: ['username', 'password'], hidden: [] },
		screenshot: 'credential-satellite',
	},
	{
		displayName: 'Viafoura API',
		initially: { visible: ['baseUrl', 'siteId', 'apiKey'], hidden: [] },
		screenshot: 'credential-viafoura',
	},
];

function expectFields(form: string, visible: string[], expected: { visible: string[]; hidden: string[] }): void {
	const missing = expected.visible.filter((name) => !visible.includes(name));
	const unexpected = expected.hidden.filter((name) => visible.includes(name));
	expect({ form, missing, unexpected }).toEqual({ form, missing: [], unexpected: [] });
}

test('each credential form shows the fields of the chosen authentication method', async () => {
	// Every credential the package declares has a case here.
	expect(credentialForms).toHaveLength(packageJson.n8n.credentials.length);
	for (const formCase of credentialForms) {
		const form = await openNewCredential(formCase.displayName);
		expectFields(formCase.displayName, await visibleParameters(form), formCase.initially);
		if (formCase.switchTo) {
			await choose(form, formCase.switchTo.parameter, formCase.switchTo.option);
			await form.getByTestId(`parameter-input-${formCase.switchTo.visible[0]}`).waitFor();
			expectFields(`${formCase.displayName} (${formCase.switchTo.option})`, await visibleParameters(form), formCase.switchTo);
		}
		await screenshot(formCase.screenshot);
		await closeCredentialForm();
	}
	await page.getByTestId('resources-list-item').first().waitFor();
	await screenshot('credentials');
});

const RINGCX_BROWSER_CREDENTIAL = 'RingCX admin (set up in the browser)';

test('RingCX with username and password: saving tests the connection; testing again mints no second token', async () => {
	const admin = RINGCX_ACCOUNTS[0];
	const before = provider<RingCxState>('ringcx');
	const form = await openNewCredential('RingCX API');
	await renameCredential(form, RINGCX_BROWSER_CREDENTIAL);
	await choose(form, 'server', 'Custom');
	await fill(form, 'baseUrl', `${setup.providers.servers.ringcx.url}/api`);
	await choose(form, 'authMethod', 'Username and Password');
	await fill(form, 'username', admin.username);
	await fill(form, 'password', admin.password);

	const saved = await runsConnectionTest(async () => await form.getByTestId('credential-save-button').click());
	expect(saved).toEqual(expect.objectContaining({ status: 'OK' }));
	await form.getByText('Connection tested successfully').waitFor();
	await screenshot('ringcx-username-password');
	const afterSave = provider<RingCxState>('ringcx');
	expect({ logins: afterSave.loginCount - before.loginCount, minted: afterSave.mintCount - before.mintCount }).toEqual({
		logins: 1,
		minted: 1,
	});

	for (let retry = 0; retry < 2; retry++) {
		const retried = await runsConnectionTest(async () => await form.getByRole('button', { name: 'Retry' }).click());
		expect(retried).toEqual(expect.objectContaining({ status: 'OK' }));
	}
	const afterRetries = provider<RingCxState>('ringcx');
	// Each permanent token lives until someone deletes it: testing again must reuse the first one.
	expect({ tokensMintedByTheTwoRetries: afterRetries.mintCount - afterSave.mintCount }).toEqual({ tokensMintedByTheTwoRetries: 0 });
	await closeCredentialForm();
});

test('RingCX credential opened again later: n8n tests it on opening, on the token it keeps', async () => {
	const before = provider<RingCxState>('ringcx');
	await page.goto(`${n8n.url}/home/credentials`);
	const opened = await runsConnectionTest(async () => {
		await page.getByTestId('resources-list-item').filter({ hasText: RINGCX_BROWSER_CREDENTIAL }).click();
	});
	expect(opened).toEqual(expect.objectContaining({ status: 'OK' }));
	const form = page.getByTestId('editCredential-modal');
	const retried = await runsConnectionTest(async () => await form.getByRole('button', { name: 'Retry' }).click());
	expect(retried).toEqual(expect.objectContaining({ status: 'OK' }));
	const after = provider<RingCxState>('ringcx');
	expect({ logins: after.loginCount - before.loginCount, minted: after.mintCount - before.mintCount }).toEqual({
		logins: 0,
		minted: 0,
	});
	await closeCredentialForm();
});

test('Virtuous two-factor user: the form asks for the texted code; with it the test passes and a workflow runs', async () => {
	const director = VIRTUOUS_USERS.twoFactor;
	const credentialName = 'Virtuous director (two-factor)';
	const before = provider<VirtuousState>('virtuous');
	const form = await openNewCredential('Virtuous API');
	await renameCredential(form, credentialName);
	await fill(form, 'baseUrl', setup.providers.servers.virtuous.url);
	await choose(form, 'authMethod', 'Email and Password');
	await fill(form, 'email', director.email);
	await fill(form, 'password', director.password);

	const firstTest = await runsConnectionTest(async () => await form.getByTestId('credential-save-button').click());
	expect(firstTest).toEqual({ status: 'Error', message: expect.stringContaining('Verification Code') });
	await form.getByText('More details').click();
	await form.getByText(/enter it in the credential's "Verification Code" field/).waitFor();
	const texted = provider<VirtuousState>('virtuous').sentCodes.slice(before.sentCodes.length);
	expect(texted).toEqual([expect.objectContaining({ email: director.email })]);
	await screenshot('virtuous-code-needed');

	await fill(form, 'otp', texted[0].code);
	const secondTest = await runsConnectionTest(async () => await form.getByTestId('credential-save-button').click());
	expect(secondTest).toEqual(expect.objectContaining({ status: 'OK' }));
	await form.getByText('Connection tested successfully').waitFor();
	await screenshot('virtuous-code-accepted');
	await closeCredentialForm();
	const signedIn = provider<VirtuousState>('virtuous');
	expect(signedIn.passwordGrants - before.passwordGrants).toBe(1);

	// The Virtuous example, switched to this credential, runs on the token the form got: no new code.
	const virtuousExample = example('virtuous');
	await page.goto(`${n8n.url}/workflow/${virtuousExample.workflow.id}`);
	const httpNode = virtuousExample.workflow.nodes.find((node) => node.type === 'n8n-nodes-base.httpRequest');
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${httpNode?.name}"]`).dblclick();
	await page.getByTestId('node-credentials-select').click();
	await page.getByRole('option').filter({ hasText: credentialName }).click();
	await page.getByTestId('ndv-close-button').click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
	await executeOpenWorkflow();
	const afterRun = provider<VirtuousState>('virtuous');
	expect(afterRun.sentCodes).toHaveLength(signedIn.sentCodes.length);
	expect(afterRun.passwordGrants).toBe(signedIn.passwordGrants);
});

test('opens the RingCX example and runs it to success', async () => {
	const housekeeping = example('ringcx');
	const admin = RINGCX_ACCOUNTS[0];
	const adminTokens = () => provider<RingCxState>('ringcx').apiTokens.filter((token) => token.userId === admin.userId);
	const tokensBeforeSetUp = adminTokens();
	await housekeeping.beforeDemoRun?.();
	// Two leftover tokens for the example to delete, besides the ones credentials already keep.
	expect(adminTokens()).toHaveLength(tokensBeforeSetUp.length + 2);

	await page.goto(`${n8n.url}/workflow/${housekeeping.workflow.id}`);
	await page.getByTestId('canvas-node').first().waitFor();
	await executeOpenWorkflow();
	await screenshot('workflow-run');

	// Only the token the demo credential uses is left for that user.
	const tokensAfter = adminTokens();
	expect(tokensAfter).toHaveLength(1);
});
