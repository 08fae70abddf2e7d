/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * The per-provider packages installed the way users install them: through n8n's own installer
 * (Settings → Community Nodes, `POST /rest/community-packages`), which runs npm against a registry
 * into `~/.n8n/nodes` and records every node in its database. In one real n8n 2.41.1, step by step:
 *   - n8n refuses a registry other than registry.npmjs.org without the licence feature
 *     `feat:communityNodes:customRegistry`; n8n's E2E test mode (E2E_TESTS=true) mounts
 *     `PATCH /rest/e2e/feature`, which switches it on;
 *   - n8n-nodes-viafoura installs from the registry; n8n lists the package and its node;
 *   - a Viafoura API credential passes n8n's credential test against the bundled Viafoura server;
 *   - a workflow with the installed node logs a reader in on the token the test stored: one token
 *     request in all;
 *   - a newer version, published later, is offered as an update and installed by the installer,
 *     and the workflow still runs;
 *   - n8n-nodes-ringcx installs beside it: two per-provider packages side by side both work;
 *   - uninstalling both removes the packages, their nodes and credential types.
 * Only per-provider packages are published: n8n keys installed nodes by display name, so the combined
 * package beside one of them fails to install ("Failed to save installed package"); it is not tested.
 *
 * The packages come from dist/packages/ (rebuilt with `npm run build:packages` when missing or older
 * than what they are built from), packed and published to a local verdaccio (localRegistry.ts).
 * One n8n serves every step, and each step goes on from where the one before stopped.
 *
 * Things about n8n 2.41.1's installer this relies on (read in dist/modules/community-packages, seen here):
 *   - Install is `npm pack <name>@<version|latest> --registry <N8N_COMMUNITY_PACKAGES_REGISTRY>` into
 *     `~/.n8n/nodes`, untar into node_modules/<name>, then `npm install --ignore-scripts` inside it after
 *     deleting peerDependencies, devDependencies and optionalDependencies from its package.json: the
 *     n8n-workflow peer is never installed, the nodes run on n8n's own.
 *   - Update (`PATCH {name}`) does the same for `latest`; uninstall is `DELETE ?name=`.
 *   - The list (`GET`) runs a bare `npm outdated` in `~/.n8n/nodes` for `updateAvailable`: without
 *     --registry, so it asks the npm config's registry, not N8N_COMMUNITY_PACKAGES_REGISTRY. n8n here
 *     gets the local registry's npm config too (LocalRegistry.npmEnv), so nothing reaches the public one.
 *   - Before each install and update n8n asks api.n8n.io whether the package is banned; unreachable
 *     (no internet here) counts as allowed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { LocalRegistry } from '../n8n/localRegistry';
import { N8nRestClient, N8nServer, summarizeExecution, type N8nExecution } from '../n8n/n8nServer';
import { cleanChildEnv } from '../n8n/runtime';
import { N8nTestBed, REPO_ROOT, type WorkflowNodeFixture } from '../n8n/testBed';
import { ProviderServer } from '../providers/providerServer';
import { createViafoura } from '../providers/viafoura';
import { viafouraCredentialData } from '../support/credentialFixtures';

jest.setTimeout(4 * 60 * 1000);

const VIAFOURA = 'n8n-nodes-viafoura';
const RINGCX = 'n8n-nodes-ringcx';
const VIAFOURA_NODE = `${VIAFOURA}.viafoura`;
const RINGCX_NODE = `${RINGCX}.ringCx`;
const CUSTOM_REGISTRY_FEATURE = 'feat:communityNodes:customRegistry';
const PACKAGES_DIR = join(REPO_ROOT, 'dist/packages');

const provider = createViafoura();
const viafouraServer = new ProviderServer(provider);

let workDir: string | undefined;
let registry: LocalRegistry | undefined;
let n8n: N8nServer | undefined;
let client: N8nRestClient;
/** The versions dist/packages holds (what is published first), and the one Viafoura's update gets. */
let firstVersion: string;
let ringCxVersion: string;
let nextVersion: string;

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	updateAvailable?: string;
	failedLoading?: boolean;
}

/** Names the setup phase in its error, so a failure before the first step says where it stopped. */
async function during<T>(phase: string, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw new Error(`Setup failed while ${phase}: ${(error as Error).message}`);
	}
}

let failedStep: string | undefined;

/** A test that is one step of the story: once a step failed, the later ones say so instead of failing on their own. */
function step(name: string, run: () => Promise<void>): void {
	test(name, async () => {
		if (failedStep) throw new Error(`Not run: the earlier step "${failedStep}" failed`);
		try {
			await run();
		} catch (error) {
			failedStep = name;
			throw error;
		}
	});
}

/** Secrets never reach a failure message, even when n8n echoes a credential or a token. */
function redact(text: string): string {
	return text.replace(/("(?:apiKey|accessToken|password|clientSecret|sessionToken|token)"\s*:\s*)"[^"]*"/gi, '$1"***"');
}

/** A REST call the editor makes; answers `data`; otherwise fails quoting n8n's status and body. */
async function n8nCall<T>(what: string, method: string, path: string, body?: unknown): Promise<T> {
	const answer = await client.send(method, path, body);
	if (!answer.ok) {
		throw new Error(
			`${what}: n8n answered ${method} ${path} with HTTP ${answer.status}:\n${redact(answer.text).slice(0, 3000)}`,
		);
	}
	return (answer.body as { data: T }).data;
}

const installedPackages = () =>
	n8nCall<InstalledPackage[]>('listing community packages', 'GET', '/rest/community-packages');

/** The node types the editor loads (`/types/nodes.json`, fetched again after every install). */
async function editorNodeTypes(): Promise<string[]> {
	const answer = await client.send('GET', '/types/nodes.json');
	if (!answer.ok || !Array.isArray(answer.body)) {
		throw new Error(`n8n answered GET /types/nodes.json with HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
	}
	return (answer.body as Array<{ name: string }>).map((type) => type.name);
}

async function editorCredentialTypes(): Promise<string[]> {
	const answer = await client.send('GET', '/types/credentials.json');
	if (!answer.ok || !Array.isArray(answer.body)) {
		throw new Error(
			`n8n answered GET /types/credentials.json with HTTP ${answer.status}: ${answer.text.slice(0, 500)}`,
		);
	}
	return (answer.body as Array<{ name: string }>).map((type) => type.name);
}

/** What n8n put into `~/.n8n/nodes/node_modules`. */
function nodesFolderEntries(): string[] {
	const folder = join(n8n!.bed.userFolder, '.n8n', 'nodes', 'node_modules');
	return existsSync(folder) ? readdirSync(folder).filter((entry) => !entry.startsWith('.')) : [];
}

/** Runs a workflow like the editor's "Execute workflow" button; answers the finished execution. */
async function runWorkflow(workflowId: string): Promise<N8nExecution> {
	const { executionId } = await n8nCall<{ executionId?: string }>(
		'running the workflow',
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{
			triggerToStartFrom: { name: START.name },
		},
	);
	if (!executionId) throw new Error('n8n started no execution for the workflow');
	return await client.waitForExecution(executionId);
}

function loginOutput(execution: N8nExecution): IDataObject[] {
	const summary = summarizeExecution(execution);
	if (execution.status !== 'success') {
		throw new Error(
			`The workflow's execution ${execution.id} ended "${execution.status}": ${redact(summary.error ?? 'no error recorded')}`,
		);
	}
	const task = execution.data?.resultData.runData['Log In']?.at(-1);
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}

const tokenRequests = () => viafouraServer.requests('POST', '/oauth2/token');

const START = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function logInWorkflow(credential: { id: string; name: string }) {
	const logIn: WorkflowNodeFixture = {
		name: 'Log In',
		type: VIAFOURA_NODE,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'session',
			operation: 'login',
			userId: 'installer-reader-1',
			name: 'Installed Reader',
			email: 'installed.reader@example.com',
		},
		credentials: { viafouraApi: credential },
	};
	return {
		name: 'Viafoura from the installed package: log a reader in',
		nodes: [START, logIn],
		connections: { [START.name]: { main: [[{ node: logIn.name, type: 'main', index: 0 }]] } },
		settings: {},
		active: false,
	};
}

beforeAll(async () => {
	workDir = await mkdtemp(join(tmpdir(), 'n8n-installer-e2e-'));
	await during('building the per-provider packages', ensureProviderPackages);
	firstVersion = packageVersion(join(PACKAGES_DIR, VIAFOURA));
	ringCxVersion = packageVersion(join(PACKAGES_DIR, RINGCX));
	nextVersion = nextPatch(firstVersion);

	await viafouraServer.listen();
	registry = await during('starting the local npm registry', () => LocalRegistry.start({ name: 'installer' }));
	await during('packing and publishing the per-provider packages', async () => {
		for (const name of [VIAFOURA, RINGCX]) {
			await registry!.publish(await registry!.pack(join(PACKAGES_DIR, name), join(workDir!, 'packed')));
		}
	});

	n8n = await during('starting n8n', async () => {
		// A bed without this project's combined package: the nodes must come from the installer only.
		const bed = await N8nTestBed.create({ name: 'installer', installPackage: false });
		return await N8nServer.start({
			name: 'installer',
			bed,
			env: {
				E2E_TESTS: 'true',
				N8N_COMMUNITY_PACKAGES_REGISTRY: registry!.url,
				...registry!.npmEnv,
				// n8n 2.41 warns that this default turns false in a later version; the Settings page's install needs it.
				N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			},
		});
	});
	client = await n8n.logIn();
});

afterAll(async () => {
	await Promise.allSettled([n8n?.stop(), registry?.stop(), viafouraServer.close()]);
	if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("n8n's community-package installer with the per-provider packages", () => {
	let credential: { id: string; name: string };
	let workflowId: string;

	step(`n8n refuses the local registry until the licence feature ${CUSTOM_REGISTRY_FEATURE} is on`, async () => {
		const refused = await client.send('POST', '/rest/community-packages', { name: VIAFOURA });
		expect({ status: refused.status, text: refused.text }).toEqual({
			status: 500,
			text: expect.stringContaining(`Your license does not allow for ${CUSTOM_REGISTRY_FEATURE}`),
		});

		await n8nCall('switching the feature on (E2E mode)', 'PATCH', '/rest/e2e/feature', {
			feature: CUSTOM_REGISTRY_FEATURE,
			enabled: true,
		});
	});

	step(`installs ${VIAFOURA} from the registry and lists the package and its node`, async () => {
		const installed = await n8nCall<InstalledPackage>('installing', 'POST', '/rest/community-packages', {
			name: VIAFOURA,
		});

		expect(installed).toMatchObject({
			packageName: VIAFOURA,
			installedVersion: firstVersion,
			installedNodes: [{ name: 'Viafoura', type: VIAFOURA_NODE, latestVersion: 1 }],
		});
		const listed = await installedPackages();
		expect(listed).toEqual([
			expect.objectContaining({
				packageName: VIAFOURA,
				installedVersion: firstVersion,
				installedNodes: [{ name: 'Viafoura', type: VIAFOURA_NODE, latestVersion: 1 }],
				failedLoading: false,
			}),
		]);
		expect(listed[0].updateAvailable).toBeUndefined();
		expect(await editorNodeTypes()).toContain(VIAFOURA_NODE);
		expect(await editorCredentialTypes()).toContain('viafouraApi');
		// The n8n-workflow peer is not installed beside the package: its node runs on n8n's own.
		expect(nodesFolderEntries()).toEqual([VIAFOURA]);
	});

	step("a Viafoura API credential on the bundled provider server passes n8n's credential test", async () => {
		const created = await n8nCall<{ id: string; name: string }>(
			'creating the credential',
			'POST',
			'/rest/credentials',
			{
				name: 'Viafoura (installed package)',
				type: 'viafouraApi',
				data: viafouraCredentialData(viafouraServer.url),
			},
		);
		credential = { id: created.id, name: created.name };
		viafouraServer.clearLog();

		// What the credential form's test sends: the stored credential, its secrets redacted (n8n merges them back in).
		const stored = await n8nCall<{ data: IDataObject }>(
			'reading the credential',
			'GET',
			`/rest/credentials/${credential.id}?includeData=true`,
		);
		const result = await n8nCall<{ status: string; message?: string }>(
			'testing the credential',
			'POST',
			'/rest/credentials/test',
			{
				credentials: { ...credential, type: 'viafouraApi', data: stored.data },
			},
		);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	step('a workflow with the installed Viafoura node logs a reader in: one token request in all', async () => {
		const created = await n8nCall<{ id: string }>(
			'creating the workflow',
			'POST',
			'/rest/workflows',
			logInWorkflow(credential),
		);
		workflowId = created.id;

		const [output, ...more] = loginOutput(await runWorkflow(workflowId));

		expect(more).toEqual([]);
		const reader = provider.users().find((user) => user.id === 'installer-reader-1');
		expect(output).toMatchObject({ user_id: reader?.user_id, session: expect.stringMatching(/^[a-z0-9]{26}$/) });
		expect(provider.liveSessions().map((live) => live.session)).toContain(output.session);
		// The credential test stored the token it fetched; the run signs the login with it.
		expect(tokenRequests()).toHaveLength(1);
		expect(viafouraServer.requests('POST', '/rest/v1/accounts/login').map((login) => login.status)).toEqual([200]);
	});

	step('a newer version published later is offered as an update, installed, and the workflow still runs', async () => {
		await registry!.publish(await bumpedCopy(join(PACKAGES_DIR, VIAFOURA), nextVersion));
		const [offered] = await installedPackages();
		expect(offered).toMatchObject({
			packageName: VIAFOURA,
			installedVersion: firstVersion,
			updateAvailable: nextVersion,
		});

		// What the Settings page's "Update" sends when unverified packages are allowed: the name only.
		const updated = await n8nCall<InstalledPackage>('updating', 'PATCH', '/rest/community-packages', {
			name: VIAFOURA,
		});

		expect(updated).toMatchObject({ packageName: VIAFOURA, installedVersion: nextVersion });
		expect(await installedPackages()).toEqual([
			expect.objectContaining({ packageName: VIAFOURA, installedVersion: nextVersion, failedLoading: false }),
		]);
		const onDisk = JSON.parse(
			await readFile(join(n8n!.bed.userFolder, '.n8n', 'nodes', 'node_modules', VIAFOURA, 'package.json'), 'utf8'),
		) as { version: string };
		expect(onDisk.version).toBe(nextVersion);
		expect(await editorNodeTypes()).toContain(VIAFOURA_NODE);

		viafouraServer.clearLog();
		const [output] = loginOutput(await runWorkflow(workflowId));
		expect(output).toMatchObject({ user_id: expect.any(Number), session: expect.stringMatching(/^[a-z0-9]{26}$/) });
	});

	step(`${RINGCX} installs beside it: both packages are installed and both nodes are available`, async () => {
		const installed = await n8nCall<InstalledPackage>('installing', 'POST', '/rest/community-packages', {
			name: RINGCX,
		});

		expect(installed).toMatchObject({
			packageName: RINGCX,
			installedVersion: ringCxVersion,
			installedNodes: [{ name: 'RingCX', type: RINGCX_NODE, latestVersion: 1 }],
		});
		const listed = await installedPackages();
		expect(
			listed
				.map(({ packageName, installedVersion, failedLoading }) => ({ packageName, installedVersion, failedLoading }))
				.sort(byName),
		).toEqual([
			{ packageName: RINGCX, installedVersion: ringCxVersion, failedLoading: false },
			{ packageName: VIAFOURA, installedVersion: nextVersion, failedLoading: false },
		]);
		expect(await editorNodeTypes()).toEqual(expect.arrayContaining([VIAFOURA_NODE, RINGCX_NODE]));
		expect(await editorCredentialTypes()).toEqual(expect.arrayContaining(['viafouraApi', 'ringCxApi']));
		expect(nodesFolderEntries().sort()).toEqual([RINGCX, VIAFOURA]);
	});

	step('uninstalling both removes the packages, their nodes and their credential types', async () => {
		for (const name of [VIAFOURA, RINGCX]) {
			await n8nCall('uninstalling', 'DELETE', `/rest/community-packages?name=${encodeURIComponent(name)}`);
		}

		expect(await installedPackages()).toEqual([]);
		const nodeTypes = await editorNodeTypes();
		expect(nodeTypes).not.toContain(VIAFOURA_NODE);
		expect(nodeTypes).not.toContain(RINGCX_NODE);
		const credentialTypes = await editorCredentialTypes();
		expect(credentialTypes).not.toContain('viafouraApi');
		expect(credentialTypes).not.toContain('ringCxApi');
		expect(nodesFolderEntries()).toEqual([]);
	});
});

const byName = (a: { packageName: string }, b: { packageName: string }) => a.packageName.localeCompare(b.packageName);

function packageVersion(folder: string): string {
	return (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version;
}

function nextPatch(version: string): string {
	const [major, minor, patch] = version.split('-')[0].split('.').map(Number);
	return `${major}.${minor}.${patch + 1}`;
}

/** A copy of a package folder with another version: the "newer release" the registry gets later. */
async function bumpedCopy(folder: string, version: string): Promise<string> {
	const copy = join(workDir!, `${version}`, 'package');
	await cp(folder, copy, { recursive: true });
	const manifestPath = join(copy, 'package.json');
	const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string };
	await writeFile(manifestPath, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
	return copy;
}

/**
 * What dist/packages is made from: the compiled dist/, the manifest and the packaging script. Like every
 * e2e test, this one tests the build as it is, so edited but unbuilt sources do not count: rebuilding
 * from them would clean dist/ under the other tests, and fail halfway while a change is in progress.
 */
const PACKAGE_INPUTS = ['dist', 'package.json', 'scripts/packages'];

/** Builds dist/packages with the project's own scripts when it is missing or older than what it is made from. */
async function ensureProviderPackages(): Promise<void> {
	const manifests = [VIAFOURA, RINGCX].map((name) => join(PACKAGES_DIR, name, 'package.json'));
	const builtAt = Math.min(...manifests.map((manifest) => (existsSync(manifest) ? statSync(manifest).mtimeMs : 0)));
	const newestInput = Math.max(...PACKAGE_INPUTS.map((input) => newestChange(join(REPO_ROOT, input))));
	if (builtAt > newestInput) return;
	process.stderr.write('[installer test] dist/packages is missing or stale: running `npm run build:packages`\n');
	try {
		execFileSync('npm', ['run', 'build:packages'], {
			cwd: REPO_ROOT,
			env: cleanChildEnv(),
			stdio: 'pipe',
			maxBuffer: 64 * 1024 * 1024,
		});
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
		throw new Error(`npm run build:packages failed:\n${`${stdout ?? ''}${stderr ?? ''}`.slice(-3000)}`);
	}
}

function newestChange(path: string): number {
	// The packages themselves live under dist/: they are the output, not an input.
	if (!existsSync(path) || path === PACKAGES_DIR) return 0;
	const stats = statSync(path);
	if (!stats.isDirectory()) return stats.mtimeMs;
	return readdirSync(path)
		.filter((entry) => entry !== 'node_modules')
		.reduce((newest, entry) => Math.max(newest, newestChange(join(path, entry))), stats.mtimeMs);
}
