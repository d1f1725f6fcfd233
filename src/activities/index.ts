export { createActivities, type ActivityDeps } from './orderActivities';
export { toActivityFailure } from './vippsFailures';
