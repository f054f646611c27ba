import type { DbExecutor } from '@ipay/db';
import { findReferencedRowsPage, findUnreferencedRowsPage, type ParkedRow } from './repository';
import type { RowGroup } from './row-groups';

/** Parked rows read per query: memory holds one page and the order being assembled, never the file. */
const PAGE_ROWS = 1_000;

/**
 * The upload's orders, assembled from its parked rows in keyset pages ordered by (reference, row): one order's
 * rows may lie anywhere in the file. A page can end inside an order, so its last group is carried over to the
 * next page and yielded only once a row of another reference (or the end) shows it is whole.
 */
export async function* parkedGroups(db: DbExecutor, uploadId: string): AsyncGenerator<RowGroup> {
  let carried: RowGroup | undefined;
  let after: { reference: string; row: number } | undefined;
  for (;;) {
    const page = await findReferencedRowsPage(db, uploadId, after, PAGE_ROWS);
    for (const { reference, row, cells } of page) {
      // The query returns only rows with a reference.
      if (reference === null) continue;
      if (carried?.reference !== reference) {
        if (carried) yield carried;
        carried = { reference, rows: [] };
      }
      carried.rows.push({ row, cells });
    }
    const last = page.at(-1);
    if (page.length < PAGE_ROWS || !last?.reference) break;
    after = { reference: last.reference, row: last.row };
  }
  if (carried) yield carried;
}

/** The upload's parked rows without a merchant reference, a page at a time in file order. */
export async function* unreferencedRowPages(db: DbExecutor, uploadId: string): AsyncGenerator<ParkedRow[]> {
  let after = 0;
  for (;;) {
    const page = await findUnreferencedRowsPage(db, uploadId, after, PAGE_ROWS);
    if (page.length) yield page;
    const last = page.at(-1);
    if (page.length < PAGE_ROWS || !last) return;
    after = last.row;
  }
}
