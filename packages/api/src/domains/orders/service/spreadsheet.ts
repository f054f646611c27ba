// The bounded XLSX reading of order uploads, for other domains' workbook imports (carrier tariffs).
export { detectFormat, readWorkbook, type WorkbookRow } from '../upload/read-rows';
export { XLSX_LIMITS, type XlsxLimits } from '../upload/xlsx-guard';
