/**
 * n8n resolves a credential's test request itself, from an expression; every other request reads the
 * base URL through the provider's endpoint (trimmed, no trailing slashes). The two must agree, or
 * "Test" fails (or passes) for an address the workflows then use differently. Resolved here with
 * n8n-workflow's own expression engine.
 */
import type { ICredentialDataDecryptedObject, ICredentialType } from 'n8n-workflow';

import { RingCxApi } from '../../../credentials/RingCxApi.credentials';
import { SatelliteApi } from '../../../credentials/SatelliteApi.credentials';
import { ViafouraApi } from '../../../credentials/ViafouraApi.credentials';
import { VirtuousApi } from '../../../credentials/VirtuousApi.credentials';
import type { Provider } from '../../../providers';
import { RINGCX_API_ROOTS, ringCx } from '../../../providers/ringcx/client';
import { satellite } from '../../../providers/satellite/client';
import { viafoura } from '../../../providers/viafoura/client';
import { virtuous } from '../../../providers/virtuous/client';
import { resolveCredentialExpression } from '../../support/n8nCore';

function testBaseUrl(credentialType: ICredentialType, credentials: ICredentialDataDecryptedObject): unknown {
	return resolveCredentialExpression(String(credentialType.test?.request.baseURL), credentials);
}

const typed = '  https://api.example.test/root//  ';

describe.each([
	['Satellite', new SatelliteApi(), satellite],
	['Viafoura', new ViafouraApi(), viafoura],
	['Virtuous', new VirtuousApi(), virtuous],
])('%s: the credential test goes where the requests go', (_name, credentialType, provider: Provider) => {
	it.each([typed, 'https://api.example.test', 'http://127.0.0.1:8080/'])('Base URL %j', (baseUrl) => {
		const credentials = { baseUrl };
		expect(testBaseUrl(credentialType, credentials)).toBe(provider.apiRoot(credentials));
	});

	it('with what a user typed, that is the address without spaces or trailing slashes', () => {
		expect(testBaseUrl(credentialType, { baseUrl: typed })).toBe('https://api.example.test/root');
	});
});

describe('RingCX: the credential test goes where the requests go', () => {
	const ringCxApi = new RingCxApi();

	it.each([
		[{ server: 'vacd' }, RINGCX_API_ROOTS.vacd],
		[{ server: 'virtualacd' }, RINGCX_API_ROOTS.virtualacd],
		[{ server: 'custom', baseUrl: '  https://portal.example.test/api/  ' }, 'https://portal.example.test/api'],
	])('%j', (credentials, expected) => {
		expect(testBaseUrl(ringCxApi, credentials)).toBe(expected);
		expect(ringCx.apiRoot(credentials)).toBe(expected);
	});

	it('a credential saved before "Server" existed uses the first listed portal, as the requests do', () => {
		expect(testBaseUrl(ringCxApi, {})).toBe(RINGCX_API_ROOTS.vacd);
		expect(ringCx.apiRoot({})).toBe(RINGCX_API_ROOTS.vacd);
	});
});
