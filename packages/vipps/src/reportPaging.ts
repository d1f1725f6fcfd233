import { VippsApiError } from './errors';

/** Cursors of the Report API's paged lists, for the client. */

/** A paged list that hands back the cursor it was asked with would be read forever. */
export const REPEATED = 'the same cursor came back; the list would never end';
export const badCursor = (operation: string, reason: string) => new VippsApiError({ kind: 'invalid-response', operation, status: 200, fieldErrors: [{ name: 'cursor', reason }] });

export function cursorQuery(cursor: string | undefined): string {
  return cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
}
