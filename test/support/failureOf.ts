/** What a node run that failed threw: n8n's node errors carry a description and the item's index. */
export type NodeFailure = Error & { description?: string; context?: { itemIndex?: number } };

/** The error a run failed with; the test fails when the run succeeds. */
export async function failureOf(run: Promise<unknown>): Promise<NodeFailure> {
	return await run.then(
		() => {
			throw new Error('The run was expected to fail');
		},
		(error: NodeFailure) => error,
	);
}
