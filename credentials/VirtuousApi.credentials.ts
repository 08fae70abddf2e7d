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

import { VIRTUOUS_BASE_URL, virtuous } from '../providers/virtuous/client';
import { authenticateWith, baseUrlExpression, preAuthenticate, tokenCacheProperties } from '../tokenLifecycle';

export class VirtuousApi implements ICredentialType {
	name = 'virtuousApi';

	displayName = 'Virtuous API';

	icon: Icon = { light: 'file:../nodes/Virtuous/virtuous.svg', dark: 'file:../nodes/Virtuous/virtuous.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth/blob/main/docs/virtuous.md';

	httpRequestNode: ICredentialType['httpRequestNode'] = {
		name: 'Virtuous',
		docsUrl: 'https://docs.virtuoussoftware.com/',
		apiBaseUrl: `${VIRTUOUS_BASE_URL}/api/`,
	};

	properties: INodeProperties[] = [
		...tokenCacheProperties(virtuous.lifecycle),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: VIRTUOUS_BASE_URL,
			placeholder: VIRTUOUS_BASE_URL,
			description: 'The Virtuous API host, without /api. Change it only to reach a test server.',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'Use an API key made in Virtuous; recommended for integrations',
				},
				{
					name: 'Email and Password',
					value: 'password',
					description:
						'Log in as a Virtuous user, with a texted verification code if the user has two-factor authentication',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "An API key a Virtuous administrator created in Virtuous's settings",
			displayOptions: { show: { authMethod: ['apiKey'] } },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			placeholder: 'name@example.com',
			description: 'The email address you log in to Virtuous with',
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
		// Not masked: a single-use code the credential empties once used (n8n's credential-unnecessary-password).
		{
			displayName: 'Verification Code',
			name: 'otp',
			type: 'string',
			default: '',
			placeholder: '123456',
			hint: 'Only needed when a run asks for it: then type the code Virtuous texted you, save, and run again. The credential clears it once used.',
			description: "The two-factor authentication code from Virtuous's text message",
			displayOptions: { show: { authMethod: ['password'] } },
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await preAuthenticate(this.helpers, credentials, virtuous);
	}

	authenticate: IAuthenticate = authenticateWith(virtuous);

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${baseUrlExpression()} }}`,
			url: '/api/Organization/Current',
		},
	};
}
