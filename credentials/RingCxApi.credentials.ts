import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { RINGCENTRAL_PRODUCTION_URL, RINGCX_API_ROOTS, ringCx } from '../providers/ringcx/client';
import { authenticateWith, baseUrlExpression, preAuthenticate, tokenCacheProperties } from '../tokenLifecycle';

export class RingCxApi implements ICredentialType {
	name = 'ringCxApi';

	displayName = 'RingCX API';

	icon: Icon = { light: 'file:../nodes/RingCx/ringcx.svg', dark: 'file:../nodes/RingCx/ringcx.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth/blob/main/docs/ringcx.md';

	properties: INodeProperties[] = [
		...tokenCacheProperties(ringCx.lifecycle, 'Session Token'),
		{
			displayName: 'Server',
			name: 'server',
			type: 'options',
			options: [
				{ name: 'Custom', value: 'custom' },
				{ name: 'portal.vacd.biz', value: 'vacd' },
				{ name: 'portal.virtualacd.biz', value: 'virtualacd' },
				{ name: 'ringcx.ringcentral.com (RingCentral Login)', value: 'ringcx' },
			],
			default: 'vacd',
			description:
				'Where your RingCX account lives: ringcx.ringcentral.com if you sign in through RingCentral, or one of the legacy portals (Virtual ACD)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: RINGCX_API_ROOTS.vacd,
			placeholder: 'https://portal.vacd.biz/api',
			description:
				'The API root: ends in /api for a legacy portal, in /voice/api for RingCX (its sign-in routes are at the same host)',
			displayOptions: { show: { server: ['custom'] } },
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'Permanent API Token',
					value: 'apiToken',
					description: 'Paste a permanent API token you already have',
				},
				{
					name: 'RingCentral Login (JWT)',
					value: 'ringCentralJwt',
					description:
						'Sign in through RingCentral with a JWT credential and your app in the RingCentral Developer Console; for ringcx.ringcentral.com',
				},
				{
					name: 'Username and Password',
					value: 'password',
					description: 'Log in once to a legacy portal; the credential creates one permanent API token and keeps it',
				},
			],
			default: 'apiToken',
		},
		{
			displayName: 'RingCentral Server URL',
			name: 'ringCentralUrl',
			type: 'string',
			default: RINGCENTRAL_PRODUCTION_URL,
			placeholder: RINGCENTRAL_PRODUCTION_URL,
			description: "RingCentral's API server. Change it only for RingCentral's sandbox or a test server.",
			displayOptions: { show: { authMethod: ['ringCentralJwt'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: "Your app's Client ID, in the RingCentral Developer Console under the app's Credentials",
			displayOptions: { show: { authMethod: ['ringCentralJwt'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "Your app's Client Secret, beside its Client ID",
			displayOptions: { show: { authMethod: ['ringCentralJwt'] } },
		},
		// A JWT credential signs in as its RingCentral user until revoked: a secret, whatever its name suggests.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'JWT',
			name: 'jwt',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A JWT credential of a RingCentral user with RingCX access: Developer Console > Credentials > Create JWT. It signs in as that user.',
			displayOptions: { show: { authMethod: ['ringCentralJwt'] } },
		},
		{
			displayName:
				'The credential signs in through RingCentral once, then renews its RingCX token itself (RingCX tokens last about 5 minutes). The JWT is used again only if RingCX refuses the renewal.',
			name: 'ringCentralNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { authMethod: ['ringCentralJwt'] } },
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'aws80:c2353445-bc74-af1a-2850-1d55a371c0a9',
			displayOptions: { show: { authMethod: ['apiToken'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'name@example.com',
			description: 'Your portal login, or that of an API user made for integrations',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName:
				'The credential logs in once and creates a single permanent API token, which it keeps and reuses. It creates another only if RingCX rejects that one.',
			name: 'mintingNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await preAuthenticate(this.helpers, credentials, ringCx);
	}

	authenticate: IAuthenticate = authenticateWith(ringCx);

	test: ICredentialTestRequest = {
		request: {
			// The API root as requests read it (ringCxEndpoint): a listed portal, else the trimmed Base URL.
			baseURL: `={{ $credentials.server === "custom" ? ${baseUrlExpression()} : ${Object.entries(RINGCX_API_ROOTS)
				.map(([server, root]) => `$credentials.server === ${JSON.stringify(server)} ? ${JSON.stringify(root)} : `)
				.join('')}${JSON.stringify(RINGCX_API_ROOTS.vacd)} }}`,
			url: '/v1/admin/users',
		},
	};
}
