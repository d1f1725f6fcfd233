/** The experiment's activities: each answers its own name. */
export const activities = {
  create: (): Promise<string> => Promise.resolve('created'),
  early: (): Promise<string> => Promise.resolve('early'),
  late: (): Promise<string> => Promise.resolve('late'),
};
