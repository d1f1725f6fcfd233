/**
 * The first worker of queryClockDefect.test.ts, in a process of its own so that the test can freeze
 * it (SIGSTOP) with its polls open and then kill it while it holds a task, as a crash would.
 * Arguments: server address, task queue.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { queryClockActivities } from './queryClockActivities';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  const connection = await NativeConnection.connect({ address: address! });
  const worker = await Worker.create({
    connection,
    taskQueue: taskQueue!,
    workflowsPath: require.resolve('./queryClockWorkflow'),
    activities: queryClockActivities,
    // As the model test's workers: a Query stuck with this worker moves on to the others after 2 s.
    stickyQueueScheduleToStartTimeout: '2s',
  });
  process.stdout.write('ready\n');
  await worker.run();
}

void main();
