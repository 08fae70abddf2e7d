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

import { VIAFOURA_PRODUCTION_URL, viafoura } from '../providers/viafoura/client';
import { authenticateWith, baseUrlExpression, preAuthenticate, tokenCacheProperties } from '../tokenLifecycle';

export class ViafouraApi implements ICredentialType {
	name = 'viafouraApi';

	displayName = 'Viafoura API';

	icon: Icon = { light: 'file:../nodes/Viafoura/viafoura.svg', dark: 'file:../nodes/Viafoura/viafoura.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth/blob/main/docs/viafoura.md';

	properties: INodeProperties[] = [
		...tokenCacheProperties(viafoura.lifecycle),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: VIAFOURA_PRODUCTION_URL,
			placeholder: VIAFOURA_PRODUCTION_URL,
			description: 'The Viafoura API host. Change it only to point at a test server.',
		},
		{
			displayName: 'Site ID',
			name: 'siteId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-4000-8000-000000000000',
			description: 'Your Site ID, listed in admin.viafoura.com under Settings > API Key',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'An API key created in admin.viafoura.com under Settings > API Key. It can create Viafoura accounts: keep it secret.',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await preAuthenticate(this.helpers, credentials, viafoura);
	}

	authenticate: IAuthenticate = authenticateWith(viafoura);

	/**
	 * The same empty-session logout as the life cycle's `isAccepted`: the status decides, whatever the body says.
	 * n8n gets a fresh token before every credential test, which proves the site ID and key.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${baseUrlExpression()} }}`,
			url: '/rest/v1/accounts/logout',
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'session=',
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 401,
					message: 'Viafoura did not accept the access token it issued (HTTP 401). Check the Base URL.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 403,
					message:
						'The access token lacks the "accounts" scope (HTTP 403). Check that the API key may create accounts.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 404,
					message: 'Nothing answers at /rest/v1/accounts/logout (HTTP 404). Check the Base URL.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 500,
					message: 'Viafoura had a problem answering (HTTP 500). Try again later.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'statusCode', value: 503, message: 'Viafoura is unavailable (HTTP 503). Try again later.' },
			},
		],
	};
}
