import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPages, pdfToPngs, sampleStatement } from '../../testing';
import { documentSource, renderDocumentPdf } from './document';
import { DocumentInput } from './document-schemas';
import { PdfRenderer } from './pdf-renderer';

/**
 * The business document as a finance team receives it: rendered by the real Chromium, read back with
 * `pdftotext`, and drawn with `pdftoppm` into packages/api/test-output/pdf/ for a person to look at.
 */
const OUTPUT = fileURLToPath(new URL('../../../test-output/pdf/', import.meta.url));
const ROWS = 150;
const silent = { warn: () => undefined, info: () => undefined };

describe('a business document as a PDF', () => {
  let renderer: PdfRenderer;

  beforeAll(() => {
    renderer = new PdfRenderer({ chromiumPath: '/usr/bin/chromium', concurrency: 2 }, silent);
  });
  afterAll(() => renderer.close());

  it('prints every line of a long statement over several pages, each with the header row and "page X of Y"', async () => {
    const input = sampleStatement(ROWS);
    const pdf = await renderDocumentPdf(renderer, input);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf, `${OUTPUT}statement-en.pdf`);
    expect(pages.length).toBeGreaterThan(3);

    const text = pages.join('\n');
    for (let index = 0; index < ROWS; index += 1) {
      expect(text.match(new RegExp(`1Z999AA1${10_000_000 + index}\\b`, 'g'))).toHaveLength(1);
    }
    pages.forEach((page, index) => {
      // The notes may go on a page of their own; every page with lines starts with the header row.
      if (page.includes('1Z999AA1')) {
        expect(page).toMatch(/Tracking number\s+Shipped\s+Cause\s+Expected\s+Billed\s+Claimed\n/);
        expect(page.indexOf('Tracking number')).toBeLessThan(page.indexOf('1Z999AA1'));
      }
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
      expect(page).toContain('IPAY · Credit statement CS-UPS-2026-0042 rev. 2');
    });
    const first = pages[0] ?? '';
    for (const expected of [
      'IPAY B.V.',
      'Keizersgracht 100',
      'VAT number NL123456789B01',
      'UPS Nederland B.V.',
      'Postbus 12345',
      '30 November 2026',
      '30 December 2026',
      '1 November 2026 to 28 November 2026',
      'UPS 12345X',
      '€12.34',
      '€15.34',
      '€3.00',
      '2 Nov 2026',
    ]) {
      expect(first).toContain(expected);
    }
    // 150 lines: billed 150 × 1,534 + 2 × (0 + … + 149) = 252,450; expected 150 × 1,234 + 11,175 = 196,275.
    expect(pages.filter((page) => page.includes('1Z999AA1')).length).toBeGreaterThanOrEqual(pages.length - 1);
    const last = pages.at(-1) ?? '';
    expect(text).toMatch(/Billed\s+€2,524\.50/);
    expect(text).toMatch(/Expected\s+€1,962\.75/);
    expect(text).toMatch(/Total claimed\s+€561\.75/);
    expect(last).toContain('Notes');
    // Escaped by the template engine: printed as text, never markup.
    expect(text).toContain('Questions: <finance@ipay.example> & "billing" <script>alert(1)</script>');

    const pngs = await pdfToPngs(pdf, OUTPUT, 'statement-en');
    expect(pngs).toHaveLength(pages.length);
  });

  it('prints the layout in Dutch: words, dates and money in Dutch notation', async () => {
    const pdf = await renderDocumentPdf(renderer, sampleStatement(40, 'nl'));
    const pages = await pdfPages(pdf, `${OUTPUT}statement-nl.pdf`);
    const text = pages.join('\n');
    pages.forEach((page, index) => {
      if (page.includes('1Z999AA1'))
        expect(page).toMatch(/Trackingnummer\s+Verzonden\s+Oorzaak\s+Verwacht\s+Gefactureerd\s+Geclaimd/);
      expect(page).toContain(`Pagina ${index + 1} van ${pages.length}`);
    });
    for (const expected of [
      'VAN',
      'AAN',
      'NUMMER',
      'VERVALDATUM',
      'Btw-nummer NL123456789B01',
      '30 november 2026',
      '1 november 2026 t/m 28 november 2026',
      '€ 12,34',
      'Opmerkingen',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(/Totaal geclaimd\s+€ 127,80/);
    expect(await pdfToPngs(pdf, OUTPUT, 'statement-nl')).toHaveLength(pages.length);
  });

  it('refuses a cell that does not fit its column, naming the row and column', () => {
    const input = sampleStatement(5);
    const rows = input.rows.map((row, index) => (index === 3 ? { ...row, billed: '15.34' } : row));
    const parsed = DocumentInput.safeParse({ ...input, rows });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['rows.3.billed', 'must be a money cell'],
    ]);
  });

  it('inlines its stylesheet and names no outside address', () => {
    const { html, footerHtml } = documentSource(sampleStatement(2));
    expect(html).toContain('<style>');
    expect(html).toContain('.lines thead');
    expect(`${html}${footerHtml}`).not.toMatch(/\b(src|href)=|url\(|@import/);
  });

  describe('a page that asks for outside resources', () => {
    let outside: Server;
    let url: string;
    const connections: string[] = [];
    beforeAll(async () => {
      // Counts connections, not requests: a browser's speculative preconnect is network access too.
      outside = createServer((socket) => {
        connections.push(socket.remoteAddress ?? '?');
        socket.destroy();
      });
      await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(outside.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => outside.close(() => resolve())));

    it('renders without them: nothing leaves the browser, not even a connection', async () => {
      const html = `<!doctype html><html><head>
        <link rel="stylesheet" href="${url}/style.css">
        <link rel="preconnect" href="${url}">
        <style>@import url("${url}/imported.css"); body { background: url("${url}/bg.png") }</style>
        </head><body><p>Statement</p><img src="${url}/logo.png" alt="">
        <a href="${url}/link">link</a><iframe src="${url}/frame"></iframe></body></html>`;
      const pdf = await renderer.render({ html, footerHtml: '<span></span>' });
      expect((await pdfPages(pdf, `${OUTPUT}outside.pdf`)).join('')).toContain('Statement');
      expect(connections).toEqual([]);
    });
  });
});
