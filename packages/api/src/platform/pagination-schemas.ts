import { z } from 'zod';
import { integerParameter } from './parameters';

// The list input and page shape, apart from fetchPage (Kysely, AppError) so schemas.ts files import them
// without pulling server code into the SDK or a browser bundle.

export const PageInput = z.object({
  limit: integerParameter(z.int().min(1).max(200).default(50)).describe('Page size, 1 to 200'),
  cursor: z.string().max(500).optional().describe('`nextCursor` of the previous page'),
});
export type PageInput = z.infer<typeof PageInput>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}
