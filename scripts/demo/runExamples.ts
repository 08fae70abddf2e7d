/**
 * `npm run demo`: runs every example workflow once in the running n8n and reports each as a table
 * row. Examples with a manual trigger are started through the REST call behind the editor's
 * "Execute workflow" button; the others (a form) are activated, and their provider entry acts out
 * what the person does (fills in the form, reads the code the provider sent, types it in).
 */
import { N8nFormVisitor, summarizeExecution, type N8nRestClient, type N8nServer } from '../../test/n8n/n8nServer';
import type { ExampleWorkflow } from './demoSetup';

export interface ExampleRunRow {
	workflow: string;
	file: string;
	status: string;
	/** Items the last node that ran put out. */
	itemsOut: number;
	/** n8n's own run time (start to stop of the execution), in ms. */
	timeMs: number;
	/** Why it failed, when it did. */
	failure?: string;
}

/** Runs the (already imported) examples one after the other, each after its demo set-up step. */
export async function runExamples(
	server: N8nServer,
	client: N8nRestClient,
	examples: ExampleWorkflow[],
	onRow: (row: ExampleRunRow) => void = () => undefined,
): Promise<ExampleRunRow[]> {
	const forms = new N8nFormVisitor(server.url);
	const rows: ExampleRunRow[] = [];
	for (const example of examples) {
		const row: ExampleRunRow = { workflow: example.name, file: example.file, status: 'error', itemsOut: 0, timeMs: 0 };
		try {
			await example.beforeDemoRun?.();
			const executionId = await startExample(client, forms, example);
			const summary = summarizeExecution(await client.waitForExecution(executionId));
			Object.assign(row, { status: summary.status, itemsOut: summary.itemsOut, timeMs: summary.timeMs });
			if (summary.status !== 'success')
				row.failure = summary.error ?? `The execution ended with status "${summary.status}"`;
		} catch (error) {
			row.failure = error instanceof Error ? error.message : String(error);
		}
		rows.push(row);
		onRow(row);
	}
	return rows;
}

async function startExample(client: N8nRestClient, forms: N8nFormVisitor, example: ExampleWorkflow): Promise<string> {
	const workflowId = example.workflow.id;
	if (example.manualTrigger) return await client.runWorkflow(workflowId, example.manualTrigger);
	if (!example.actOutDemoRun) {
		throw new Error(
			`examples/${example.file} has no manual trigger, and its provider entry in scripts/demo/demoProviders.ts does not say how to run it (actOutDemoRun)`,
		);
	}
	const before = new Set(await client.executionIds(workflowId));
	await example.actOutDemoRun(forms);
	const [executionId] = (await client.executionIds(workflowId)).filter((id) => !before.has(id));
	if (!executionId) throw new Error('Acting out the example started no execution');
	return executionId;
}

/** A plain-text table: workflow, status, items out, time. */
export function formatTable(rows: ExampleRunRow[]): string {
	const header = ['Workflow', 'Status', 'Items out', 'Time'];
	const cells = rows.map((row) => [row.workflow, row.status, String(row.itemsOut), `${row.timeMs} ms`]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
	const line = (values: string[]) =>
		values
			.map((value, column) => (column >= 2 ? value.padStart(widths[column]) : value.padEnd(widths[column])))
			.join('  ');
	return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
