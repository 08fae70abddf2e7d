/**
 * How long a `Retry-After` header asks to wait, in milliseconds: seconds or an HTTP date. `undefined`
 * when there is no usable header. The only place the header is read.
 */
export function retryAfterMs(header: unknown, now: number = Date.now()): number | undefined {
	if (Array.isArray(header)) header = header[0];
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const text = String(header).trim();
	if (text === '') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(text);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
