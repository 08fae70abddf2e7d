/* eslint-disable @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- not shipped: runs in Node, not inside n8n */
/**
 * n8n's own CredentialsHelper (packages/cli/src/credentials-helper.ts), the class every n8n process
 * reads, decrypts, pre-authenticates, saves and authenticates credentials with, loaded from the real
 * n8n the e2e tests run (test/n8n/runtime.ts installs it). Only its storage is replaced: the
 * credentials table is a Map of rows encrypted by the runtime's own n8n-core, and the services it
 * asks about enterprise features answer "not in use".
 *
 * So a test sees exactly what n8n does: a fresh decrypted copy per read, defaults applied,
 * `preAuthentication` called with the restricted `this` (only `helpers.httpRequest`, held to the
 * credential's allowed domains), its output merged into the stored row, `authenticate` applied.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, ICredentialType, ICredentialsHelper } from 'n8n-workflow';

import { installedRuntime } from '../n8n/runtime';

type Service<T> = abstract new (...args: never[]) => T;
interface DiContainer {
	get<T>(service: Service<T>): T;
	set<T>(service: Service<T>, instance: T): void;
}
interface RuntimeModules {
	CredentialsHelper: new (...services: unknown[]) => ICredentialsHelper;
	/** n8n's cipher with the instance key, the format of a row n8n itself wrote with its legacy key. */
	cipher: { encryptWithInstanceKey(data: string): string; decryptWithInstanceKey(data: string): string };
}

let runtimeModules: RuntimeModules | undefined;

/** Requires a module of the installed n8n runtime (its own copies of n8n, n8n-core and @n8n/di). */
function fromRuntime<T>(path: string): T {
	return require(join(installedRuntime().n8nModules, path)) as T;
}

/**
 * The runtime's classes, and its n8n-core set up as an n8n process sets it up: the instance settings
 * in memory (from a temporary folder removed at once), and the instance's key as the one data
 * encryption key, as n8n's encryption bootstrap registers it for an instance with no other keys.
 */
function runtime(): RuntimeModules {
	if (runtimeModules) return runtimeModules;
	const { Container } = fromRuntime<{ Container: DiContainer }>('@n8n/di');
	const { Logger } = fromRuntime<{ Logger: Service<unknown> }>('@n8n/backend-common');
	type Core = RuntimeModules & {
		InstanceSettings: new (...args: never[]) => { encryptionKey: string };
		Cipher: Service<RuntimeModules['cipher'] & { encryptDEKWithInstanceKey(key: string): string }>;
		EncryptionKeyProxy: Service<{ setProvider(provider: unknown): void }>;
	};
	const core = fromRuntime<Core>('n8n-core');
	const folder = mkdtempSync(join(tmpdir(), 'n8n-credentials-'));
	try {
		const config = { n8nFolder: folder, userHome: folder, encryptionKey: randomBytes(24).toString('base64') };
		const settings = new core.InstanceSettings(config as never, Container.get(Logger) as never);
		Container.set(core.InstanceSettings as never, settings);
		const instanceKey = {
			id: 'instance-key',
			value: Container.get(core.Cipher).encryptDEKWithInstanceKey(settings.encryptionKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		};
		Container.get(core.EncryptionKeyProxy).setProvider({
			getActiveKey: async () => instanceKey,
			getKeyById: async () => instanceKey,
			getLegacyKey: async () => instanceKey,
		});
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	const { CredentialsHelper } = fromRuntime<RuntimeModules>('n8n/dist/credentials-helper');
	runtimeModules = { CredentialsHelper, cipher: Container.get(core.Cipher) };
	return runtimeModules;
}

/** One row of n8n's credentials table, encrypted as n8n stores it, and what tests count of it. */
export class CredentialStore {
	/** How often the credential was decrypted for use (a node's `getCredentials`, or n8n's own read). */
	reads = 0;

	/** How often n8n saved into it (what `preAuthentication` returned). */
	writes = 0;

	/** Most authenticated requests under way at once (counted by the node runner). */
	maxInFlight = 0;

	/** Authenticated requests under way now. */
	inFlight = 0;

	/** The row's `data` column. */
	encrypted: string;

	constructor(data: ICredentialDataDecryptedObject) {
		this.encrypted = runtime().cipher.encryptWithInstanceKey(JSON.stringify(data));
	}

	/** What is stored, decrypted: a new object each time. */
	get data(): ICredentialDataDecryptedObject {
		return JSON.parse(runtime().cipher.decryptWithInstanceKey(this.encrypted)) as ICredentialDataDecryptedObject;
	}

	set data(data: ICredentialDataDecryptedObject) {
		this.encrypted = runtime().cipher.encryptWithInstanceKey(JSON.stringify(data));
	}
}

/** A stored credential as nodes refer to it (`node.credentials[type]`), and its row. */
export interface StoredCredentialRow {
	id: string;
	name: string;
	type: string;
	store: CredentialStore;
}

/**
 * n8n's CredentialsHelper over `rows`, knowing `types`. The services it is built with are n8n's
 * interfaces answered in memory: the credentials repository reads and writes the rows; credential
 * types are the given classes; there are no overwrites, dynamic (per-user) credentials, external
 * secrets, policies or AI gateway, as in a community install.
 */
export function n8nCredentialsHelper(types: ICredentialType[], rows: StoredCredentialRow[]): ICredentialsHelper {
	const byName = new Map(types.map((type) => [type.name, type]));
	const rowOf = (id: unknown) => rows.find((row) => row.id === id);
	const credentialTypes = {
		recognizes: (type: string) => byName.has(type),
		getByName: (type: string) => {
			const found = byName.get(type);
			if (!found) throw new Error(`Unknown credential type ${type}`);
			return found;
		},
		getSupportedNodes: () => [],
		getParentTypes: (type: string) => byName.get(type)?.extends ?? [],
	};
	const credentialsRepository = {
		async findOneByOrFail({ id, type }: { id: string; type: string }) {
			const row = rowOf(id);
			if (!row || row.type !== type) throw Object.assign(new Error('not found'), { name: 'EntityNotFoundError' });
			return { id, name: row.name, type, data: row.store.encrypted, usageScope: 'project', isResolvable: false };
		},
		async update({ id }: { id: string }, { data }: { data: string }) {
			const { store } = rowOf(id)!;
			store.encrypted = data;
			store.writes++;
		},
	};
	const notInUse = {
		applyOverwrite: (_type: string, data: ICredentialDataDecryptedObject) => data,
		resolveIfNeeded: async (_details: unknown, data: ICredentialDataDecryptedObject) => ({ data, isDynamic: false }),
		getEffectiveResolverId: () => undefined,
		isExternalSecretsLicensed: () => false,
		enforceCredentialDecrypt: async () => undefined,
	};
	const { CredentialsHelper } = runtime();
	const helper = new CredentialsHelper(
		credentialTypes,
		notInUse,
		credentialsRepository,
		notInUse,
		notInUse,
		notInUse,
		{ externalSecretsForProjects: false },
		notInUse,
		notInUse,
	);
	// Counts reads for the tests, then hands over to n8n's own method.
	const getDecrypted = helper.getDecrypted.bind(helper);
	helper.getDecrypted = async (...args: Parameters<ICredentialsHelper['getDecrypted']>) => {
		rowOf(args[1].id)!.store.reads++;
		return await getDecrypted(...args);
	};
	return helper;
}
