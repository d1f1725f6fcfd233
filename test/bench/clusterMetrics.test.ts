/** The benchmark's reading of the server's `action` metric: by action_type, one namespace only. */
import { diffCounts, parseActions, treeCpuSeconds } from '../../bench/cluster-metrics';

const PAGE = [
  '# HELP action action counter',
  '# TYPE action counter',
  'action{action_type="grpc_ExecuteMultiOperation",namespace="default",operation="ExecuteMultiOperation",service_name="frontend"} 3',
  'action{action_type="command_StartTimer",namespace="default",operation="RespondWorkflowTaskCompleted",service_name="frontend"} 9',
  'action{action_type="command_StartTimer",namespace="default",operation="Other",service_name="frontend"} 1',
  'action{action_type="grpc_StartWorkflowExecution",namespace="temporal-system",operation="StartWorkflowExecution",service_name="frontend"} 7',
  'action_total{action_type="grpc_QueryWorkflow",namespace="default"} 2',
  'actions_other{action_type="grpc_QueryWorkflow",namespace="default"} 100',
].join('\n');

test('counts Actions of one namespace by action_type, in the tally and the OpenTelemetry naming', () => {
  expect(Object.fromEntries(parseActions(PAGE, 'default'))).toEqual({ grpc_ExecuteMultiOperation: 3, command_StartTimer: 10, grpc_QueryWorkflow: 2 });
  expect(Object.fromEntries(parseActions(PAGE, 'temporal-system'))).toEqual({ grpc_StartWorkflowExecution: 7 });
});

test('a phase counts only what happened during it', () => {
  const before = new Map([['command_StartTimer', 10], ['grpc_QueryWorkflow', 2]]);
  const after = new Map([['command_StartTimer', 16], ['grpc_QueryWorkflow', 2], ['grpc_SignalWorkflowExecution', 4]]);
  expect(Object.fromEntries(diffCounts(after, before))).toEqual({ command_StartTimer: 6, grpc_SignalWorkflowExecution: 4 });
});

test('CPU time of a process tree grows with work and is zero for a process that does not exist', () => {
  const before = treeCpuSeconds(process.pid);
  const end = Date.now() + 300;
  while (Date.now() < end) Math.sqrt(Math.random());
  expect(treeCpuSeconds(process.pid)).toBeGreaterThan(before);
  expect(treeCpuSeconds(2 ** 22 + 12345)).toBe(0);
});
