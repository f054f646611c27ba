export { CHROMIUM_INSTALL_STEP, PdfRenderer, type PdfRendererOptions, type PdfSource } from './pdf-renderer';
export { documentSource, renderDocumentPdf } from './document';
export {
  ColumnKind,
  DocumentCell,
  DocumentColumn,
  DocumentInput,
  DocumentParty,
  type ParsedDocument,
} from './document-schemas';
