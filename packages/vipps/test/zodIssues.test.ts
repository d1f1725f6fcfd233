import { z } from 'zod';
import { describeIssues, formatIssues } from '../src/schemas/zodIssues';

const Body = z.object({ amount: z.object({ value: z.int().min(100) }), lines: z.array(z.object({ id: z.string() })) });

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a zod error');
  return result.error;
}

describe('zod issues as field: reason pairs', () => {
  test('nested paths are dotted, array indexes included', () => {
    const details = describeIssues(errorOf(Body, { amount: { value: 5 }, lines: [{ id: 1 }] }));
    expect(details.map((d) => d.name)).toEqual(['amount.value', 'lines.0.id']);
    expect(details[0]?.reason).toMatch(/>=100/);
  });

  test('an issue about the whole value is named (body), or what the caller says', () => {
    expect(describeIssues(errorOf(Body, 'nope'))[0]?.name).toBe('(body)');
    expect(describeIssues(errorOf(Body, 'nope'), '(env)')[0]?.name).toBe('(env)');
  });

  test('one line with "; " by default, or any separator', () => {
    const error = errorOf(Body, { amount: { value: 5 }, lines: [{ id: 1 }] });
    expect(formatIssues(error)).toMatch(/^amount\.value: .+; lines\.0\.id: .+$/);
    expect(formatIssues(error, { separator: '\n' }).split('\n')).toHaveLength(2);
    expect(formatIssues(errorOf(Body, 'nope'), { root: '(env)' })).toMatch(/^\(env\): /);
  });
});
