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

import { satellite } from '../providers/satellite/client';
import { authenticateWith, baseUrlExpression, preAuthenticate, tokenCacheProperties } from '../tokenLifecycle';

export class SatelliteApi implements ICredentialType {
	name = 'satelliteApi';

	displayName = 'Satellite API';

	icon: Icon = { light: 'file:../nodes/Satellite/satellite.svg', dark: 'file:../nodes/Satellite/satellite.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth/blob/main/docs/satellite.md';

	properties: INodeProperties[] = [
		...tokenCacheProperties(satellite.lifecycle),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			// Satellite has no shared API host: every customer's API lives on its own site. Guessing
			// one would send the client secret to a host that may not be the customer's, so the
			// field starts empty and must be filled in.
			default: '',
			required: true,
			placeholder: 'https://www.your-satellite-site.co.nz',
			description: 'The address of your Satellite site, without /oauth/v2/token',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description: 'Act as the API client, for tasks that are not about one user (such as sending codes)',
				},
				{
					name: 'Password',
					value: 'password',
					description: "Act as one user, with that user's username and password",
				},
			],
			default: 'clientCredentials',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			description: 'The ID of the API client set up in Satellite',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'someone@example.com',
			description: "The user's email address or mobile number",
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { grantType: ['password'] } },
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await preAuthenticate(this.helpers, credentials, satellite);
	}

	authenticate: IAuthenticate = authenticateWith(satellite);

	/**
	 * The only documented call that takes a token is /otp/send. Sent without a body it sends no
	 * code to anyone: Satellite checks the token first (401 invalid_token when it refuses it) and
	 * then refuses the empty body, which still proves the token was accepted.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${baseUrlExpression()} }}`,
			url: '/otp/send',
			method: 'POST',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'invalid_token',
					message: 'Satellite issued a token but did not accept it (invalid_token)',
				},
			},
			{
				// Some OAuth servers answer a refused access token with this code instead.
				type: 'responseSuccessBody',
				properties: {
					key: 'error',
					value: 'invalid_grant',
					message: 'Satellite issued a token but did not accept it (invalid_grant)',
				},
			},
		],
	};
}
