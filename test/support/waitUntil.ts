/* eslint-disable @n8n/community-nodes/no-restricted-globals -- not shipped: runs in Node, not inside n8n */
/**
 * Polls `probe` until it answers something truthy, and answers that; throws naming `what` when it has
 * not within `timeoutMs`. For tests that wait on another process (n8n, a provider server's log).
 */
export async function waitUntil<T>(
	probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
	{ what, timeoutMs = 30_000, everyMs = 25 }: { what: string; timeoutMs?: number; everyMs?: number },
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Still waiting for ${what} after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
