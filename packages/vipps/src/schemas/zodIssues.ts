import { type z } from 'zod';
import { type ExtraDetail } from './common';

/**
 * The one way zod errors become messages, for the client, the emulator and the app alike:
 * each issue is a `field: reason` pair, the shape Vipps uses in `extraDetails`.
 */

export interface IssueFormat {
  /** Name for an issue about the value as a whole (no path): `(body)` for a request body, `(env)` for the environment. */
  root?: string;
  /** Between two issues: `; ` on one line, or e.g. `\n  ` for one issue per line. */
  separator?: string;
}

/** Turns zod issues into `field: reason` pairs; the field is the dotted path. */
export function describeIssues(error: z.ZodError, root = '(body)'): ExtraDetail[] {
  const name = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : root);
  return error.issues.flatMap((issue) =>
    // A strict object's unknown keys: one entry per key, named by the key itself.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ name: name([...issue.path, key]), reason: 'is not a known field' }))
      : [{ name: name(issue.path), reason: issue.message }],
  );
}

/** `field: reason` for every issue, joined into one message. */
export function formatIssues(error: z.ZodError, { root, separator = '; ' }: IssueFormat = {}): string {
  return describeIssues(error, root)
    .map((d) => `${d.name}: ${d.reason}`)
    .join(separator);
}
