import { BoundedMemory } from '../../../tokenLifecycle/boundedMemory';

describe('BoundedMemory: what the token life cycle remembers is bounded in time and size', () => {
	it('forgets an entry once its lifetime has passed', () => {
		const memory = new BoundedMemory<string>(10);
		memory.remember('login', 'refused', 1_000, 5_000);
		expect(memory.recall('login', 5_999)).toBe('refused');
		expect(memory.recall('login', 6_000)).toBeUndefined();
		expect(memory.size).toBe(0);
	});

	it('drops the oldest entries when more than its cap are remembered', () => {
		const memory = new BoundedMemory<number>(3);
		for (let i = 0; i < 5; i++) memory.remember(`key ${i}`, i, 60_000, 0);
		expect(memory.size).toBe(3);
		expect([0, 1, 2, 3, 4].map((i) => memory.recall(`key ${i}`, 1))).toEqual([undefined, undefined, 2, 3, 4]);
	});

	it('renews an entry remembered again, and forgets one on request', () => {
		const memory = new BoundedMemory<number>(2);
		memory.remember('a', 1, 60_000, 0);
		memory.remember('b', 2, 60_000, 0);
		memory.remember('a', 3, 60_000, 0);
		memory.remember('c', 4, 60_000, 0);
		expect([memory.recall('a', 1), memory.recall('b', 1), memory.recall('c', 1)]).toEqual([3, undefined, 4]);
		memory.forget('a');
		expect(memory.recall('a', 1)).toBeUndefined();
	});
});
