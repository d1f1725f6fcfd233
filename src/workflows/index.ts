/** The worker's workflowsPath: every workflow type this worker runs. */
export { orderWorkflow } from './orderWorkflow';
export { refundWorkflow } from './refundWorkflow';
