/** The activities of queryClockWorkflow.ts: each answers its own name. */
export const queryClockActivities = {
  create: (): Promise<string> => Promise.resolve('created'),
  early: (): Promise<string> => Promise.resolve('early'),
  late: (): Promise<string> => Promise.resolve('late'),
};
