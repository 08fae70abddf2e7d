import { sleep } from 'n8n-workflow';

/** A turn that lasts longer than this lets fewer items start in the next one; a shorter full one, more. */
export const TURN_TARGET_MS = 3;

/** How turns pass: n8n's `sleep(0)` is a timer, so it fires on the loop's next turn, after network events. */
export interface TurnClock {
	nextTurn(): Promise<void>;
	now(): number;
}

const eventLoopTurns: TurnClock = {
	nextTurn: async () => await sleep(0),
	now: () => performance.now(),
};

/**
 * Spreads the starts of concurrent items over turns of the event loop.
 *
 * Building a request in n8n's HTTP helper costs about a millisecond of CPU, and a request reaches
 * the network only on the loop's next turn, when its new connection is seen to be open. When every
 * answer that arrives together starts its item's successor at once, the new requests wait behind
 * all of that work and leave together, so the items travel as one clump and the time spent building
 * requests adds to the time spent waiting for the provider instead of overlapping with it (measured:
 * 1,000 Viafoura logins, 20 at once, took 2.2 s at 20 ms of latency against 1.1 s at 0 ms). A few
 * starts per turn let the loop send the requests already built in between.
 *
 * How many start per turn follows how long turns take (aiming at TURN_TARGET_MS), so a fast machine
 * is not held to a fixed rate and a slow one still sends its requests promptly. An item that finds
 * room in the current turn starts at once: a single item, or items one after another, never wait.
 */
export class ItemStarts {
	private perTurn = 1;
	private startsThisTurn = 0;
	private turnStartedAt: number | undefined;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly clock: TurnClock = eventLoopTurns) {}

	/** Resolves when the caller may start its item: at once if this turn has room, else on a later turn. */
	async next(): Promise<void> {
		if (this.turnStartedAt === undefined) this.openTurn();
		if (this.startsThisTurn < this.perTurn) {
			this.startsThisTurn++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	/** How many items may start in one turn now. */
	get startsPerTurn(): number {
		return this.perTurn;
	}

	private openTurn(): void {
		this.turnStartedAt = this.clock.now();
		this.startsThisTurn = 0;
		void this.clock.nextTurn().then(() => this.closeTurn());
	}

	private closeTurn(): void {
		const turnMs = this.clock.now() - (this.turnStartedAt ?? 0);
		if (turnMs > TURN_TARGET_MS) this.perTurn = Math.max(1, this.perTurn - 1);
		else if (this.startsThisTurn >= this.perTurn) this.perTurn++;
		this.turnStartedAt = undefined;
		if (this.waiting.length === 0) return;
		this.openTurn();
		while (this.startsThisTurn < this.perTurn && this.waiting.length > 0) {
			this.startsThisTurn++;
			this.waiting.shift()!();
		}
	}
}
