/** The worker's workflowsPath: every workflow type this worker runs. */
export { orderWorkflow } from './orderWorkflow';
export { refundWorkflow } from './refundWorkflow';
export { settlementWorkflow } from './settlement/settlementWorkflow';
export { settlementWakeWorkflow } from './settlement/settlementWakeWorkflow';
export { payoutWorkflow } from './settlement/payoutWorkflow';
export { orderSettlementWorkflow } from './settlement/orderSettlementWorkflow';
