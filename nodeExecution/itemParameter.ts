import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** Longer mappings are left to n8n's expression engine. */
const MAX_MAPPING_LENGTH = 256;

function isIdentifierStart(code: number): boolean {
	return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
}

function isIdentifierPart(code: number): boolean {
	return isIdentifierStart(code) || (code >= 48 && code <= 57);
}

/**
 * The field path of a parameter that is only a mapping of the item's own JSON, the shape the editor
 * makes when a field is dragged in: `={{ $json.email }}`, `={{ $json.user.id }}`,
 * `={{ $json["first name"] }}`. Anything else (any other code, text around it, `$('Node')`...)
 * answers undefined and goes to n8n's expression engine. One pass over at most 256 characters.
 */
export function jsonFieldPath(raw: string): string[] | undefined {
	if (raw.length > MAX_MAPPING_LENGTH || !raw.startsWith('={{') || !raw.endsWith('}}')) return undefined;
	const text = raw.slice(3, -2).trim();
	if (!text.startsWith('$json')) return undefined;
	const path: string[] = [];
	let i = 5;
	while (i < text.length) {
		const code = text.charCodeAt(i);
		if (code === 46 /* . */) {
			const start = ++i;
			if (i >= text.length || !isIdentifierStart(text.charCodeAt(i))) return undefined;
			while (i < text.length && isIdentifierPart(text.charCodeAt(i))) i++;
			path.push(text.slice(start, i));
		} else if (code === 91 /* [ */) {
			const quote = text[i + 1];
			if (quote !== '"' && quote !== "'") return undefined;
			const end = text.indexOf(quote, i + 2);
			if (end < 0 || text[end + 1] !== ']') return undefined;
			const key = text.slice(i + 2, end);
			if (key.includes('\\')) return undefined;
			path.push(key);
			i = end + 2;
		} else {
			return undefined;
		}
	}
	return path.length > 0 ? path : undefined;
}

function valueAt(json: IDataObject | undefined, path: string[]): unknown {
	let value: unknown = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) {
			return undefined;
		}
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * An item's parameter, as `getNodeParameter` would give it, without n8n's expression engine when
 * the parameter only maps a field of the item's own JSON (`={{ $json.email }}`). Measured in n8n
 * 2.41 (npm run bench, --cpu-prof): evaluating such a mapping costs a few milliseconds per item in
 * the expression sandbox, most of a node's own time; looking the field up costs microseconds and
 * gives the same value. Every other value or expression goes through n8n as usual.
 */
export function itemParameter(context: IExecuteFunctions, name: string, itemIndex: number, fallback: unknown): unknown {
	const raw = context.getNodeParameter(name, itemIndex, fallback, { rawExpressions: true }) as unknown;
	if (typeof raw !== 'string' || !raw.startsWith('=')) return raw;
	const path = jsonFieldPath(raw);
	if (path === undefined) return context.getNodeParameter(name, itemIndex, fallback) as unknown;
	return valueAt(context.getInputData()[itemIndex]?.json, path);
}
