import { csvText } from '../../platform/table-writer';
import { ORDER_CSV_COLUMNS } from './upload/schemas';

// The columns themselves live in upload/schemas.ts, a schema file the SDK can import; this renders the download.
export function orderCsvTemplate(): string {
  return csvText([ORDER_CSV_COLUMNS.map((c) => c.name), ORDER_CSV_COLUMNS.map((c) => c.example)]);
}
