/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- not shipped: runs in Node, not inside n8n */
/**
 * Virtuous CRM, as documented in provider-docs/virtuous-authentication.txt: an ASP.NET (OWIN)
 * OAuth token endpoint at `POST /Token` taking form-encoded password and refresh-token grants, a
 * 202 Accepted (and a texted code) for users with two-factor authentication, rotating refresh
 * tokens, access tokens that live two weeks, and API keys sent the same way as tokens
 * (`Authorization: Bearer …`). A few cheap API routes sit under `/api`: the current organization, a
 * contact, the contact query and the contacts' custom fields (an answer that is a JSON array).
 */
import { randomInt } from 'node:crypto';

import {
	bearerToken,
	json,
	randomToken,
	type ProviderDefinition,
	type ProviderRequest,
	type ProviderResponse,
} from './providerServer';

export interface VirtuousUser {
	userId: number;
	email: string;
	password: string;
	/** Users with two-factor authentication get a texted code before a password grant succeeds. */
	twoFactor: boolean;
	phone: string;
}

export const VIRTUOUS_USERS = {
	// The password has every character a form body must encode: & = + % space and a non-ASCII letter.
	plain: {
		userId: 501,
		email: 'finance@hopemission.test',
		password: 'Give & Grow=+10% Señal',
		twoFactor: false,
		phone: '+1 555 0100',
	},
	twoFactor: {
		userId: 502,
		email: 'director@hopemission.test',
		password: 'Dir3ctor pass+2FA',
		twoFactor: true,
		phone: '+1 555 0142',
	},
} satisfies Record<string, VirtuousUser>;

const ALL_USERS: VirtuousUser[] = Object.values(VIRTUOUS_USERS);

/** An API key made in Virtuous under Settings > Connectivity > API Keys. */
export const VIRTUOUS_API_KEY = 'vk_live_3f9a1c7e5b2d48a6b0c4e8f1a2b3c4d5e6f7a8b9';

export const VIRTUOUS_ORGANIZATION = {
	id: 3141,
	name: 'Hope Mission (demo)',
	timeZone: 'Central Standard Time',
	currencyCode: 'USD',
};

export const VIRTUOUS_CONTACTS = [
	{ id: 1001, contactType: 'Household', name: 'Ada & Alan Lovelace', email: 'ada@example.test', city: 'Austin' },
	{ id: 1002, contactType: 'Organization', name: 'Grace Foundation', email: 'give@grace.test', city: 'Dallas' },
	{ id: 1003, contactType: 'Household', name: 'Katherine Johnson', email: 'kj@example.test', city: 'Houston' },
];

/**
 * What `GET /api/Contact/CustomFields` answers: an array, one entry per custom field the organization
 * configured on contacts, with `name`, `displayName`, `dataType` and `options` (the valid values of a
 * Dropdown, empty for free-form fields), as docs.virtuous.org/crm/concepts/custom-fields describes it.
 * The docs name the Dropdown type; "Text" for a free-form field is this stand-in's choice.
 */
export const VIRTUOUS_CONTACT_CUSTOM_FIELDS = [
	{
		name: 'Preferred Channel',
		displayName: 'Preferred Channel',
		dataType: 'Dropdown',
		options: ['Email', 'Mail', 'Phone'],
	},
	{ name: 'Partner Reference', displayName: 'Partner Reference', dataType: 'Text', options: [] },
];

/** The documented token lifetime: two weeks. OWIN answers it in seconds, one short. */
const ACCESS_TOKEN_SECONDS = 14 * 24 * 60 * 60 - 1;
const REFRESH_TOKEN_MS = 365 * 24 * 60 * 60 * 1000;
/** How long a texted verification code can be used. */
export const VIRTUOUS_CODE_LIFETIME_MS = 5 * 60 * 1000;

export interface SentCode {
	email: string;
	phone: string;
	code: string;
	sentAt: string;
	expiresAt: string;
	usedAt?: string;
	/** A newer code was sent, an old one can no longer be used. */
	replaced?: boolean;
}

export interface VirtuousState {
	passwordGrants: number;
	refreshGrants: number;
	/** Password grants refused for a wrong password or code, and refresh grants refused. */
	refusedGrants: number;
	sentCodes: SentCode[];
}

function lastOf<T>(items: T[], matches: (item: T) => boolean): T | undefined {
	return [...items].reverse().find(matches);
}

interface IssuedAccess {
	userId: number;
	expiresAt: number;
}

export function createVirtuous(): ProviderDefinition & {
	state: VirtuousState;
	/** The code last texted to this user, if any. */
	latestCode(email: string): SentCode | undefined;
	/** Refresh tokens that would still be accepted, for this user. */
	refreshTokensOf(email: string): string[];
} {
	const accessTokens = new Map<string, IssuedAccess>();
	const refreshTokens = new Map<string, IssuedAccess>();
	const state: VirtuousState = { passwordGrants: 0, refreshGrants: 0, refusedGrants: 0, sentCodes: [] };

	const userById = (userId: number) => ALL_USERS.find((user) => user.userId === userId)!;

	/** ASP.NET Web API's answer to a request without a valid bearer token. */
	const unauthorized = (): ProviderResponse =>
		json(401, { message: 'Authorization has been denied for this request.' }, { 'WWW-Authenticate': 'Bearer' });

	const invalidGrant = (description: string): ProviderResponse => {
		state.refusedGrants++;
		return json(400, { error: 'invalid_grant', error_description: description });
	};

	/** The body OWIN's OAuthAuthorizationServer writes for a granted token. */
	function issueTokens(user: VirtuousUser): ProviderResponse {
		const now = Date.now();
		const accessToken = randomToken(48, 'base64url');
		const refreshToken = randomToken(16, 'hex');
		accessTokens.set(accessToken, { userId: user.userId, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
		refreshTokens.set(refreshToken, { userId: user.userId, expiresAt: now + REFRESH_TOKEN_MS });
		return json(200, {
			access_token: accessToken,
			token_type: 'bearer',
			expires_in: ACCESS_TOKEN_SECONDS,
			refresh_token: refreshToken,
			userName: user.email,
			'.issued': new Date(now).toUTCString(),
			'.expires': new Date(now + ACCESS_TOKEN_SECONDS * 1000).toUTCString(),
		});
	}

	function textCode(user: VirtuousUser): ProviderResponse {
		for (const earlier of state.sentCodes) {
			if (earlier.email === user.email && !earlier.usedAt) earlier.replaced = true;
		}
		const now = Date.now();
		state.sentCodes.push({
			email: user.email,
			phone: user.phone,
			code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
			sentAt: new Date(now).toISOString(),
			expiresAt: new Date(now + VIRTUOUS_CODE_LIFETIME_MS).toISOString(),
		});
		return json(202, { message: 'A verification code is required. It has been sent to your phone.' });
	}

	function passwordGrant(request: ProviderRequest, form: Record<string, string>): ProviderResponse {
		const user = ALL_USERS.find(
			(candidate) =>
				candidate.email.toLowerCase() === (form.username ?? '').toLowerCase() && candidate.password === form.password,
		);
		if (!user) return invalidGrant('The user name or password is incorrect.');
		// The docs show the code both as an `otp` form field (curl example) and as an OTP header (text).
		const otp = (form.otp ?? request.headers.otp ?? '').trim();
		if (user.twoFactor) {
			if (otp === '') return textCode(user);
			const sent = lastOf(
				state.sentCodes,
				(candidate) =>
					candidate.email === user.email &&
					candidate.code === otp &&
					!candidate.usedAt &&
					!candidate.replaced &&
					Date.parse(candidate.expiresAt) > Date.now(),
			);
			if (!sent) return invalidGrant('The verification code is invalid or has expired.');
			sent.usedAt = new Date().toISOString();
		}
		state.passwordGrants++;
		return issueTokens(user);
	}

	function refreshGrant(form: Record<string, string>): ProviderResponse {
		const presented = form.refresh_token ?? '';
		const grant = refreshTokens.get(presented);
		// Each refresh token works once: using it rotates it.
		refreshTokens.delete(presented);
		if (!grant || grant.expiresAt <= Date.now()) return invalidGrant('The refresh token is invalid or has expired.');
		state.refreshGrants++;
		return issueTokens(userById(grant.userId));
	}

	/** The user id behind the bearer token, 0 for the API key, undefined when refused. */
	function authenticate(request: ProviderRequest): number | undefined {
		const token = bearerToken(request);
		if (!token) return undefined;
		if (token === VIRTUOUS_API_KEY) return 0;
		const access = accessTokens.get(token);
		if (!access || access.expiresAt <= Date.now()) return undefined;
		return access.userId;
	}

	function contactMatches(contact: (typeof VIRTUOUS_CONTACTS)[number], condition: Record<string, unknown>): boolean {
		const field = { 'Contact Name': contact.name, 'Email Address': contact.email, City: contact.city }[
			String(condition.parameter)
		];
		const value = String(condition.value ?? '').toLowerCase();
		if (condition.operator === 'Is') return field?.toLowerCase() === value;
		return field?.toLowerCase().includes(value) ?? false;
	}

	return {
		name: 'virtuous',
		state,
		latestCode: (email) => lastOf(state.sentCodes, (sent) => sent.email === email),
		refreshTokensOf: (email) => {
			const user = ALL_USERS.find((candidate) => candidate.email === email);
			return [...refreshTokens]
				.filter(([, grant]) => grant.userId === user?.userId && grant.expiresAt > Date.now())
				.map(([token]) => token);
		},
		// Access tokens run out; refresh tokens outlive them, as they do at Virtuous.
		expireAllTokens: () => accessTokens.clear(),
		snapshot: () => ({
			...state,
			activeAccessTokens: accessTokens.size,
			activeRefreshTokens: refreshTokens.size,
			users: ALL_USERS.map(({ email, password, twoFactor }) => ({ email, password, twoFactor })),
			apiKey: VIRTUOUS_API_KEY,
		}),
		actions: {
			/** Refuses every refresh token from now on, as after a password change. */
			revokeRefreshTokens: () => {
				refreshTokens.clear();
				return { revoked: true };
			},
			/** Lets every texted code run out, as if the user waited too long. */
			expireVerificationCodes: () => {
				const past = new Date(Date.now() - 1000).toISOString();
				for (const sent of state.sentCodes) sent.expiresAt = past;
				return { expired: true };
			},
		},
		routes: [
			{
				method: 'POST',
				path: '/Token',
				handle: (request) => {
					// OWIN reads only form bodies: anything else arrives as an empty form.
					if (request.contentType !== 'application/x-www-form-urlencoded') {
						return json(400, { error: 'unsupported_grant_type' });
					}
					const form = request.form ?? {};
					if (form.grant_type === 'password') return passwordGrant(request, form);
					if (form.grant_type === 'refresh_token') return refreshGrant(form);
					return json(400, { error: 'unsupported_grant_type' });
				},
			},
			{
				method: 'GET',
				path: '/api/Organization/Current',
				handle: (request) => {
					if (authenticate(request) === undefined) return unauthorized();
					return json(200, VIRTUOUS_ORGANIZATION);
				},
			},
			// Before /api/Contact/:contactId, which would take "CustomFields" for an id, as Web API's routing does not.
			{
				method: 'GET',
				path: '/api/Contact/CustomFields',
				handle: (request) => {
					if (authenticate(request) === undefined) return unauthorized();
					return json(200, VIRTUOUS_CONTACT_CUSTOM_FIELDS);
				},
			},
			{
				method: 'GET',
				path: '/api/Contact/:contactId',
				handle: (request) => {
					if (authenticate(request) === undefined) return unauthorized();
					const contact = VIRTUOUS_CONTACTS.find((candidate) => String(candidate.id) === request.params.contactId);
					return contact ? json(200, contact) : json(404, { message: 'Contact not found.' });
				},
			},
			{
				method: 'POST',
				path: '/api/Contact/Query',
				handle: (request) => {
					if (authenticate(request) === undefined) return unauthorized();
					if (request.contentType !== 'application/json' || typeof request.json !== 'object' || !request.json) {
						return json(415, { message: 'The request must be JSON.' });
					}
					const query = request.json as { groups?: Array<{ conditions?: Array<Record<string, unknown>> }> };
					const skip = Number(request.query.get('skip') ?? 0);
					const take = Number(request.query.get('take') ?? 10);
					// Conditions inside a group must all hold; any group may match.
					const groups = (query.groups ?? []).filter((group) => (group.conditions ?? []).length > 0);
					const matching = VIRTUOUS_CONTACTS.filter(
						(contact) =>
							groups.length === 0 ||
							groups.some((group) => (group.conditions ?? []).every((condition) => contactMatches(contact, condition))),
					);
					return json(200, { list: matching.slice(skip, skip + take), total: matching.length });
				},
			},
		],
	};
}
