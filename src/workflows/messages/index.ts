/**
 * Everything that crosses the workflow boundary, in one import for callers (the order client, the
 * HTTP API, the starter): message definitions, command schemas, the placing request, the views.
 * Workflow code imports the light modules directly (definitions, commandSchemas) so that the
 * placing request's Vipps wire schemas never enter the workflow bundle.
 */
export * from './definitions';
export * from './commandSchemas';
export * from './requests';
export * from './views';
export * from './statusGroups';
export { FAILURE_TYPES } from './failureTypes';
