/**
 * Prebuilds the workflow bundle (lib/workflow-bundle.js) so workers start without webpack;
 * `npm run build` runs it, and the Docker image sets WORKFLOW_BUNDLE_PATH to it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const root = path.join(__dirname, '..');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows') });
  const out = path.join(root, 'lib', 'workflow-bundle.js');
  writeFileSync(out, code);
  console.log(`workflow bundle: ${path.relative(root, out)} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
