import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDay, formatMoney, formatNumber, translator, type Language } from '../../pages/i18n';
import { templateEngine } from '../../pages/render';
import { DocumentInput, type ColumnKind, type DocumentCell, type ParsedDocument } from './document-schemas';
import type { PdfRenderer, PdfSource } from './pdf-renderer';

const templates = templateEngine(fileURLToPath(new URL('./templates', import.meta.url)));
/** Inlined into every document: a rendered page loads nothing from anywhere. */
const STYLESHEET = readFileSync(new URL('./document.css', import.meta.url), 'utf8');
const PAGE_MARK = '\u0001';
const PAGES_MARK = '\u0002';

function formatCell(language: Language, kind: ColumnKind, cell: DocumentCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return formatMoney(language, cell.amountMinor, cell.currency);
  if (typeof cell === 'number') return formatNumber(language, cell);
  return kind === 'date' ? formatDay(language, cell, 'medium') : cell;
}

function documentView(document: ParsedDocument) {
  const { language } = document;
  const t = translator(language);
  const facts = [
    { label: t('document.number'), value: document.number },
    { label: t('document.issuedOn'), value: formatDay(language, document.issuedOn) },
    ...(document.dueOn ? [{ label: t('document.dueOn'), value: formatDay(language, document.dueOn) }] : []),
    ...(document.period
      ? [
          {
            label: t('document.period'),
            value: t('document.periodRange', {
              from: formatDay(language, document.period.from),
              to: formatDay(language, document.period.to),
            }),
          },
        ]
      : []),
    ...document.references,
  ];
  return {
    t,
    language,
    stylesheet: STYLESHEET,
    title: document.title,
    number: document.number,
    from: document.from,
    to: document.to,
    facts,
    columns: document.columns.map((column) => ({
      label: column.label,
      kind: column.kind,
    })),
    rows: document.rows.map((row) =>
      document.columns.map((column) => formatCell(language, column.kind, row[column.key])),
    ),
    totals: document.totals.map((total) => ({
      label: total.label,
      amount: formatMoney(language, total.amount.amountMinor, total.amount.currency),
    })),
    notes: document.notes,
  };
}

/** "Page {page} of {pages}" around the two spans puppeteer fills in, each part escaped by the template. */
function pageNumberParts(language: Language): [string, string, string] {
  const text = translator(language)('document.page', { page: PAGE_MARK, pages: PAGES_MARK });
  const [before = '', rest = ''] = text.split(PAGE_MARK);
  const [between = '', after = ''] = rest.split(PAGES_MARK);
  return [before, between, after];
}

/** The document's HTML and page footer, from the shared escaping template engine. */
export function documentSource(input: DocumentInput): PdfSource {
  const document = DocumentInput.parse(input);
  const view = documentView(document);
  return {
    html: templates.render('./document', view),
    footerHtml: templates.render('./footer', {
      brand: view.t('layout.brand'),
      title: document.title,
      number: document.number,
      page: pageNumberParts(document.language),
    }),
  };
}

/** A business document as a PDF, through the process's one browser. */
export function renderDocumentPdf(renderer: PdfRenderer, input: DocumentInput): Promise<Buffer> {
  return renderer.render(documentSource(input));
}
