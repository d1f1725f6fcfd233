export * from './common';
export * from './receipt';
export * from './epayment';
export * from './webhooks';
export * from './accessToken';
export * from './zodIssues';
export * from './uri';
export * from './report';
