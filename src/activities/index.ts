export { createActivities, type ActivityDeps } from './orderActivities';
export { toActivityFailure } from './vippsFailures';
export { withFinishTime } from './finishTime';
export { createSettlementActivities, type SettlementActivityDeps } from './settlementActivities';
export { createOrderSettlementActivities, type OrderSettlementDeps } from './orderSettlements';
