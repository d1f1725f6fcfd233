/** The worker's workflowsPath: every workflow type this worker runs. */
export { orderWorkflow, type OrderOutcome } from './orderWorkflow';
