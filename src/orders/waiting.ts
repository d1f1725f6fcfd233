import type { z } from 'zod';
import { describeIssues } from '@vipps-orders/vipps/schemas';
import { OrderCommandError } from './errors';

export const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT once `ms` have passed (the promise keeps running). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses a caller's input at the edge: a bad one is an invalid_command naming every field. */
export function parseCommand<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error).map((d) => ({ field: d.name, reason: d.reason }));
  throw new OrderCommandError('invalid_command', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), { issues });
}
