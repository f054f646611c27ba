export {
  CHROMIUM_ARGS,
  CHROMIUM_INSTALL_STEP,
  PdfRenderer,
  pdfOptions,
  type PdfRendererOptions,
  type PdfSource,
} from './pdf-renderer';
export { documentSource, renderDocumentPdf } from './document';
export {
  ColumnKind,
  DocumentCell,
  DocumentColumn,
  DocumentInput,
  DocumentParty,
  type ParsedDocument,
} from './document-schemas';
