/**
 * The unit tests' n8n (test/support) is n8n-core's own code, and its credentials helper behaves as
 * n8n's: pinned here so a change to the support shows up as a failure, not as quieter tests.
 */
import type { ICredentialDataDecryptedObject, INode, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { ViafouraApi } from '../../credentials/ViafouraApi.credentials';
import { Viafoura } from '../../nodes/Viafoura/Viafoura.node';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { httpRequest } from '../support/n8nCore';
import { N8nCredentialsHelper } from '../support/n8nCredentialsHelper';
import { CredentialStore, nodeRunner } from '../support/nodeExecutionContext';
import { providerFixture } from '../support/providerFixture';

const { provider: viafoura, server } = providerFixture(createViafoura);

const reference = { id: 'viafoura-1', name: 'Viafoura' };
const node: INode = {
	id: 'node',
	name: 'Viafoura',
	type: 'n8n-nodes-token-auth.viafoura',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { viafouraApi: reference },
};
const additionalData = { variables: {} } as unknown as IWorkflowExecuteAdditionalData;

function storedViafoura(): { store: CredentialStore; helper: N8nCredentialsHelper } {
	const store = new CredentialStore({
		baseUrl: server.url,
		siteId: VIAFOURA_SITE.siteId,
		apiKey: VIAFOURA_SITE.apiKey,
	});
	const helper = new N8nCredentialsHelper([new ViafouraApi()], [{ ...reference, type: 'viafouraApi', store }]);
	return { store, helper };
}

it("sends the nodes' requests with n8n-core's HTTP client", async () => {
	const run = nodeRunner({ nodeType: Viafoura, credentialType: ViafouraApi });
	const { store } = storedViafoura();
	await run(store, { parameters: { resource: 'session', operation: 'login', userId: 'reader-1', name: 'Reader' } });
	const [login] = server.requests('POST', '/rest/v1/accounts/login');
	// n8n-core's convertN8nRequestToAxios adds this header; no other client in the tests does.
	expect(login.headers['user-agent']).toBe('n8n');
});

it('hands out a fresh decrypted copy on every read, with the credential type’s defaults', async () => {
	const { store, helper } = storedViafoura();
	const first = await helper.getDecrypted(additionalData, reference, 'viafouraApi', 'manual');
	const second = await helper.getDecrypted(additionalData, reference, 'viafouraApi', 'manual');
	expect(first).not.toBe(second);
	first.siteId = 'changed in one copy';
	expect(second.siteId).toBe(VIAFOURA_SITE.siteId);
	expect(store.data.siteId).toBe(VIAFOURA_SITE.siteId);
	// The hidden token fields were never stored: the type's defaults fill them in.
	expect(second).toMatchObject({ accessToken: '', tokenExpiresAt: '' });
	expect(store.reads).toBe(2);
});

it('runs preAuthentication when the token field is empty or expired, and saves what it returns', async () => {
	const { store, helper } = storedViafoura();
	const helpers = { helpers: { httpRequest } };
	const copy: ICredentialDataDecryptedObject = await helper.getDecrypted(
		additionalData,
		reference,
		'viafouraApi',
		'manual',
	);

	const issued = await helper.preAuthentication(helpers, copy, 'viafouraApi', node, false);
	expect(issued?.accessToken).toEqual(expect.any(String));
	expect(issued).toBe(copy); // merged into the caller's copy
	expect(store.writes).toBe(1);
	expect(store.data.accessToken).toBe(issued?.accessToken);

	const cached = await helper.getDecrypted(additionalData, reference, 'viafouraApi', 'manual');
	expect(await helper.preAuthentication(helpers, cached, 'viafouraApi', node, false)).toBeUndefined();
	expect(store.writes).toBe(1);

	// After a failure n8n says "expired": a token the provider rejects is replaced and saved.
	viafoura.expireAllTokens();
	const renewed = await helper.preAuthentication(helpers, cached, 'viafouraApi', node, true);
	expect(renewed?.accessToken).not.toBe(issued?.accessToken);
	expect(store.writes).toBe(2);
	expect(store.data.accessToken).toBe(renewed?.accessToken);
});
