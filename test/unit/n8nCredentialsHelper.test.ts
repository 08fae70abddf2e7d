/**
 * What n8n 2.41's own CredentialsHelper (loaded from the installed n8n, test/support/n8nCredentialsHelper.ts)
 * does with a credential, pinned because the package's credentials are built on it: a fresh decrypted
 * copy per read, `preAuthentication` called with nothing but `helpers.httpRequest`, its output saved,
 * and the retry after a 401 (and only a 401).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { ViafouraApi } from '../../credentials/ViafouraApi.credentials';
import { VIAFOURA_SITE, createViafoura } from '../providers/viafoura';
import { viafouraCredentialData } from '../support/credentialFixtures';
import { StoredCredential } from '../support/n8nCredentialCalls';
import { CredentialStore, n8nCredentialsHelper } from '../support/n8nCredentialsHelper';
import { providerFixture } from '../support/providerFixture';
import { AFTERMATH_MS } from '../../tokenLifecycle/renewalInFlight';

const { provider: viafoura, server, baseUrl } = providerFixture(createViafoura);

const reference = { id: 'viafoura-1', name: 'Viafoura' };
const additionalData = { variables: {} } as unknown as IWorkflowExecuteAdditionalData;
const logout = () => ({ method: 'POST' as const, url: `${baseUrl()}/rest/v1/accounts/logout`, body: 'session=s' });

it('hands out a fresh decrypted copy on every read, with the credential type’s defaults', async () => {
	const store = new CredentialStore({ baseUrl: baseUrl(), siteId: VIAFOURA_SITE.siteId, apiKey: VIAFOURA_SITE.apiKey });
	const helper = n8nCredentialsHelper([new ViafouraApi()], [{ ...reference, type: 'viafouraApi', store }]);
	const first = await helper.getDecrypted(additionalData, reference, 'viafouraApi', 'manual');
	const second = await helper.getDecrypted(additionalData, reference, 'viafouraApi', 'manual');
	first.siteId = 'changed in one copy';
	expect(second.siteId).toBe(VIAFOURA_SITE.siteId);
	expect(store.data.siteId).toBe(VIAFOURA_SITE.siteId);
	// The hidden token fields were never stored: the type's defaults fill them in.
	expect(second).toMatchObject({ accessToken: '', tokenExpiresAt: '' });
});

it('calls preAuthentication with only helpers.httpRequest, and saves its output only when it holds the token', async () => {
	const seen: string[][] = [];
	const recording: ICredentialType = {
		name: 'recordingApi',
		displayName: 'Recording API',
		properties: [
			{
				displayName: 'Token',
				name: 'token',
				type: 'hidden',
				typeOptions: { expirable: true, password: true },
				default: '',
			},
			{ displayName: 'Note', name: 'note', type: 'string', default: '' },
		],
		async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
			seen.push([...Object.keys(this), ...Object.keys(this.helpers)]);
			return credentials.note === 'no token' ? { note: 'changed' } : { token: 'issued', note: 'changed' };
		},
		authenticate: async (credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) => ({
			...options,
			headers: { Authorization: `Bearer ${String(credentials.token)}` },
		}),
	};
	// A path the server does not know: it answers 404, which n8n does not retry.
	const request = { method: 'GET' as const, url: `${baseUrl()}/not-an-endpoint` };
	const withToken = new StoredCredential(recording, {});
	await withToken.httpRequestWithAuthentication(request).catch(() => undefined);
	const withoutToken = new StoredCredential(recording, { note: 'no token' });
	await withoutToken.httpRequestWithAuthentication(request).catch(() => undefined);

	expect(seen).toEqual([
		['helpers', 'httpRequest'],
		['helpers', 'httpRequest'],
	]);
	expect(withToken.decrypt()).toMatchObject({ token: 'issued', note: 'changed' });
	expect(withToken.writes).toBe(1);
	expect(withoutToken.writes).toBe(0);
	expect(server.requests('GET', '/not-an-endpoint').map((r) => r.headers.authorization)).toEqual([
		'Bearer issued',
		'Bearer', // the unsaved copy keeps its empty token (HTTP drops the trailing space)
	]);
});

it('asks the credential again after a 401 and resends once; after a 403 it does not', async () => {
	const credential = new StoredCredential(new ViafouraApi(), viafouraCredentialData(baseUrl()));
	await credential.httpRequestWithAuthentication(logout()).catch(() => undefined);
	viafoura.expireAllTokens();
	await credential.httpRequestWithAuthentication(logout()).catch(() => undefined);
	expect(server.requests('POST', '/oauth2/token')).toHaveLength(2);
	expect(credential.writes).toBe(2);

	server.failNext(1, { status: 403, pathPrefix: '/rest/v1/accounts/logout' });
	const forbidden = await credential.httpRequestWithAuthentication(logout()).catch((error: Error) => error);
	expect(forbidden).toBeInstanceOf(Error);
	expect(server.requests('POST', '/oauth2/token')).toHaveLength(2);
});

it('holds the sign-in to the credential’s Allowed Domains, and the credential says so', async () => {
	const restricted = new StoredCredential(
		new ViafouraApi(),
		viafouraCredentialData(baseUrl(), { allowedHttpRequestDomains: 'domains', allowedDomains: 'api.viafoura.co' }),
	);
	const error = (await restricted.httpRequestWithAuthentication(logout()).catch((e: Error) => e)) as Error;
	expect(error.message).toBe(
		`n8n did not send the request to Viafoura: Domain not allowed: This credential is restricted from accessing ${new URL(baseUrl()).host}. Only the following domains are allowed: api.viafoura.co`,
	);
	expect(server.requests('POST', '/oauth2/token')).toHaveLength(0);

	// Edited to allow the host (after the refusal's aftermath, tokenLifecycle/renewalInFlight.ts): it signs in.
	jest.spyOn(Date, 'now').mockReturnValue(Date.now() + AFTERMATH_MS);
	const allowed = new StoredCredential(
		new ViafouraApi(),
		viafouraCredentialData(baseUrl(), { allowedHttpRequestDomains: 'domains', allowedDomains: '127.0.0.1' }),
	);
	await allowed.httpRequestWithAuthentication(logout()).catch(() => undefined);
	expect(server.requests('POST', '/oauth2/token')).toHaveLength(1);
	jest.restoreAllMocks();
});
