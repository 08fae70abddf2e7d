/**
 * The check on the Path of an API request. The request goes to the credential's Base URL followed by
 * this path, so the path must be a plain path under /api/: anything that could name another host
 * (a scheme, `//`, a backslash some parsers read as `/`) or step out of /api/ (`..`, also encoded)
 * is refused, and the token is only ever sent to Virtuous's API. Linear in time, with a length cap.
 */
import { hasNoSpace } from '../../../../nodeExecution/checkInput';

/** Virtuous's longest documented paths are well under this; a longer value is not a path. */
export const MAX_PATH_LENGTH = 2048;

export const PATH_EXAMPLE = 'such as /api/Contact/1002 or /api/Contact/Query';

/** Why a path is refused: the end of the sentence `The "Path" of item N …`, and what to do. */
export interface PathProblem {
	problem: string;
	help: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A `.` or `..` segment, also percent-encoded (URL parsers resolve `%2e%2e` as `..`). */
function isDotSegment(segment: string): boolean {
	if (segment.length === 0 || segment.length > 6) return false;
	const decoded = segment.toLowerCase().replaceAll('%2e', '.');
	return decoded === '.' || decoded === '..';
}

/** The path to send (`/api/…`), or why it cannot be sent. `api/Contact/1002` gets its leading slash. */
export function checkApiPath(typed: string): string | PathProblem {
	const value = typed.trim();
	if (value === '') return { problem: 'is empty', help: `Give the endpoint's path, ${PATH_EXAMPLE}.` };
	if (value.length > MAX_PATH_LENGTH) {
		return {
			problem: `is longer than ${MAX_PATH_LENGTH} characters`,
			help: `Check the expression or the field it reads: it gives more than a path, ${PATH_EXAMPLE}.`,
		};
	}
	if (SCHEME.test(value) || value.startsWith('//') || value.includes('\\')) {
		return {
			problem: 'is not a path: it names a host',
			help: `Give only the path, ${PATH_EXAMPLE}. Requests go to the Base URL of the Virtuous API credential, so that its token is only sent to Virtuous.`,
		};
	}
	if (!hasNoSpace(value)) {
		return {
			problem: 'has spaces or control characters',
			help: 'Percent-encode them (a space is %20), for example with encodeURIComponent() in an expression.',
		};
	}
	if (value.includes('?') || value.includes('#')) {
		return {
			problem: 'has a query string',
			help: 'Put each query parameter in "Query Parameters" instead, with its name and value.',
		};
	}
	const path = value.startsWith('/') ? value : `/${value}`;
	if (!/^\/api\/[^/]/i.test(path)) {
		return {
			problem: 'is not under /api/',
			help: `Give the endpoint's path as Virtuous's API reference writes it, ${PATH_EXAMPLE}.`,
		};
	}
	if (path.split('/').some(isDotSegment)) {
		return {
			problem: 'has a "." or ".." segment',
			help: `Give the endpoint's path without them, ${PATH_EXAMPLE}.`,
		};
	}
	return path;
}
