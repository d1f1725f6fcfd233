import { z } from 'zod';

/**
 * Cursors of the Report API: opaque to clients, here base64url JSON of where the next page starts.
 * A cursor names its ledger and topic (and date), so one handed to another feed is refused rather
 * than read at a meaningless position.
 */

const CursorContent = z.strictObject({
  /** Ledger id; absent in cursors of the ledger list. */
  l: z.string().optional(),
  t: z.enum(['funds', 'fees']).optional(),
  d: z.string().optional(),
  /** Index of the first entry of the next page. */
  n: z.int().min(0),
});
export type CursorContent = z.infer<typeof CursorContent>;

export function encodeCursor(content: CursorContent): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/** The position a cursor points at, or an error text when it is not one of ours for this list. */
export function decodeCursor(cursor: string | undefined, expected: Omit<CursorContent, 'n'>): { ok: true; position: number } | { ok: false; reason: string } {
  if (cursor === undefined || cursor === '') return { ok: true, position: 0 };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'is not a cursor this API returned' };
  }
  const parsed = CursorContent.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'is not a cursor this API returned' };
  const { n, ...rest } = parsed.data;
  if (rest.l !== expected.l || rest.t !== expected.t || rest.d !== expected.d) return { ok: false, reason: 'belongs to another ledger, topic or date' };
  return { ok: true, position: n };
}
