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

import { RINGCX_API_ROOTS, ringCx } from '../providers/ringcx/client';
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
				{ name: 'portal.vacd.biz', value: 'vacd' },
				{ name: 'portal.virtualacd.biz', value: 'virtualacd' },
				{ name: 'Custom', value: 'custom' },
			],
			default: 'vacd',
			description: 'The portal your RingCX (Virtual ACD) account lives on',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: RINGCX_API_ROOTS.vacd,
			placeholder: 'https://portal.vacd.biz/api',
			description: 'The API root, including /api',
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
					name: 'Username and Password',
					value: 'password',
					description: 'Log in once; the credential creates one permanent API token and keeps it',
				},
			],
			default: 'apiToken',
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
