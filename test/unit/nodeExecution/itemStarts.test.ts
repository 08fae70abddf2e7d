/**
 * How items in flight take turns to start (nodeExecution/itemStarts.ts): an item with room in the
 * current turn starts at once, the others start in later turns in the order they asked, and how
 * many start per turn follows how long turns take. Turns here are driven by hand (TurnClock), so
 * what happens in each turn is exact; the last test runs on n8n's real `sleep(0)` turns.
 */
import { ItemStarts, TURN_TARGET_MS, type TurnClock } from '../../../nodeExecution/itemStarts';

/** A clock whose turns end when the test says so, and whose time moves only when the test moves it. */
class HandTurns implements TurnClock {
	time = 0;
	private ends: Array<() => void> = [];

	async nextTurn(): Promise<void> {
		await new Promise<void>((resolve) => this.ends.push(resolve));
	}

	now(): number {
		return this.time;
	}

	/** Ends the current turn after `ms`, and lets everything it released run. */
	async endTurn(ms = 0): Promise<void> {
		this.time += ms;
		const ends = this.ends;
		this.ends = [];
		for (const end of ends) end();
		await settle();
	}
}

async function settle(): Promise<void> {
	for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Asks for `count` starts in one turn; `started` lists their numbers in the order they started. */
function askMany(starts: ItemStarts, count: number): { started: number[]; all: Promise<void[]> } {
	const started: number[] = [];
	const all = Promise.all(
		Array.from({ length: count }, async (_, n) => {
			await starts.next();
			started.push(n);
		}),
	);
	return { started, all };
}

describe('ItemStarts', () => {
	it('starts an item at once when the current turn has room', async () => {
		const turns = new HandTurns();
		const starts = new ItemStarts(turns);
		const { started } = askMany(starts, 1);
		await settle();
		expect(started).toEqual([0]);
	});

	it('starts the items that asked together one per turn at first, in the order they asked', async () => {
		const turns = new HandTurns();
		const starts = new ItemStarts(turns);
		const { started } = askMany(starts, 4);
		await settle();
		expect(started).toEqual([0]);
		// Each turn here lasts longer than the target, so the pace stays at one start per turn.
		await turns.endTurn(TURN_TARGET_MS + 1);
		expect(started).toEqual([0, 1]);
		await turns.endTurn(TURN_TARGET_MS + 1);
		expect(started).toEqual([0, 1, 2]);
		await turns.endTurn(TURN_TARGET_MS + 1);
		expect(started).toEqual([0, 1, 2, 3]);
		expect(starts.startsPerTurn).toBe(1);
	});

	it('lets more items start per turn while full turns stay short, and fewer once they grow long', async () => {
		const turns = new HandTurns();
		const starts = new ItemStarts(turns);
		const { started } = askMany(starts, 20);
		await settle();
		const perTurn: number[] = [];
		let before = started.length;
		for (let turn = 0; turn < 3; turn++) {
			await turns.endTurn(1);
			perTurn.push(started.length - before);
			before = started.length;
		}
		expect(perTurn).toEqual([2, 3, 4]);
		await turns.endTurn(TURN_TARGET_MS + 1);
		expect(started.length - before).toBe(3);
		expect(starts.startsPerTurn).toBe(3);
	});

	it('does not speed up after a turn that had room to spare', async () => {
		const turns = new HandTurns();
		const starts = new ItemStarts(turns);
		askMany(starts, 3);
		await settle();
		await turns.endTurn(1);
		await turns.endTurn(1);
		expect(starts.startsPerTurn).toBe(3);
		const { started } = askMany(starts, 1);
		await settle();
		expect(started).toEqual([0]);
		await turns.endTurn(1);
		expect(starts.startsPerTurn).toBe(3);
	});

	it('starts every item, in order, on the event loop’s own turns', async () => {
		const starts = new ItemStarts();
		const { started, all } = askMany(starts, 200);
		await all;
		expect(started).toEqual(Array.from({ length: 200 }, (_, n) => n));
	});
});
