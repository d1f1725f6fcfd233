/** A worker in a process of its own for run.ts, so the experiment can freeze and kill it while it holds a task. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { activities } from './activities';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  const connection = await NativeConnection.connect({ address: address! });
  const worker = await Worker.create({ connection, taskQueue: taskQueue!, workflowsPath: require.resolve('./clockWorkflow'), activities });
  process.stdout.write('ready\n');
  await worker.run();
}

void main();
