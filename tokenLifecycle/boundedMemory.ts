/**
 * A process-wide memory with a size cap and per-entry expiry, for what the token life cycle
 * remembers besides the credential itself. Expiry is checked on read and on write: no timers, so
 * nothing keeps n8n's process alive or runs while it is idle. When full, the oldest entry goes.
 */
export class BoundedMemory<Value> {
	private readonly entries = new Map<string, { value: Value; expiresAt: number }>();

	constructor(private readonly maxEntries: number) {}

	recall(key: string, now: number = Date.now()): Value | undefined {
		const entry = this.entries.get(key);
		if (entry === undefined) return undefined;
		if (entry.expiresAt <= now) {
			this.entries.delete(key);
			return undefined;
		}
		return entry.value;
	}

	remember(key: string, value: Value, lifetimeMs: number, now: number = Date.now()): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expiresAt: now + lifetimeMs });
		if (this.entries.size <= this.maxEntries) return;
		// A Map iterates in insertion order, and a renewed entry was re-inserted: the first ones are the oldest.
		for (const oldKey of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldKey);
		}
	}

	forget(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}

	get size(): number {
		return this.entries.size;
	}
}
