import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from '@cantoo/pdf-lib';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { carrierLabelPdf, intersects } from '../../../testing/label-fixtures';
import { pdfPages, pdfToPngs } from '../../../testing/pdf';
import { composeLabel, OVERLAY_WARNING } from './overlay';

const run = promisify(execFile);
const OUTPUT = path.resolve(import.meta.dirname, '../../../../test-output/returns');
const PORTAL = 'https://pay.ipay.example/returns/rt_Zk3v9QxW2bLmN8pRt5YcA1';

/** The QR on the rendered page, read from the PNG as a phone's camera would. */
async function qrOnPage(pdfFile: string, name: string): Promise<string | undefined> {
  const prefix = path.join(OUTPUT, `${name}-scan`);
  await run('pdftoppm', ['-png', '-r', '150', '-singlefile', pdfFile, prefix]);
  const png = PNG.sync.read(await readFile(`${prefix}.png`));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('the label overlay', () => {
  for (const paper of ['a6', 'a4'] as const) {
    it(`keeps the carrier's ${paper.toUpperCase()} label untouched and puts the QR and warning beside it`, async () => {
      const carrier = await carrierLabelPdf(paper);
      const composed = await composeLabel(carrier.pdf, PORTAL);

      expect(composed.overlayPage).toBe(0);
      expect(intersects(composed.overlay, carrier.contentBox)).toBe(false);
      // The analysis found the drawn label, no smaller than what was drawn (it may only be generous).
      expect(composed.content).toBeDefined();
      const found = composed.content ?? { x: 0, y: 0, width: 0, height: 0 };
      expect(found.x).toBeLessThanOrEqual(carrier.contentBox.x + 1);
      expect(found.y).toBeLessThanOrEqual(carrier.contentBox.y + 1);
      expect(found.x + found.width).toBeGreaterThanOrEqual(
        carrier.contentBox.x + carrier.contentBox.width - 1,
      );
      expect(found.y + found.height).toBeGreaterThanOrEqual(
        carrier.contentBox.y + carrier.contentBox.height - 1,
      );

      const document = await PDFDocument.load(composed.pdf);
      const original = await PDFDocument.load(carrier.pdf);
      expect(document.getPageCount()).toBe(1);
      expect(document.getPage(0).getSize()).toEqual(original.getPage(0).getSize());

      const [text = ''] = await pdfPages(composed.pdf, path.join(OUTPUT, `label-${paper}.pdf`));
      expect(text).toContain('3SYZXG132912330');
      for (const warning of OVERLAY_WARNING) expect(text.replace(/\s+/g, ' ')).toContain(warning);

      const pngs = await pdfToPngs(composed.pdf, OUTPUT, `label-${paper}`);
      expect(pngs).toEqual([`label-${paper}-1.png`]);
      expect(await qrOnPage(path.join(OUTPUT, `label-${paper}.pdf`), `label-${paper}`)).toBe(PORTAL);
    });
  }

  it('puts the overlay on a second page when the label leaves no free band', async () => {
    const full = await PDFDocument.create();
    const page = full.addPage([298, 420]);
    page.drawRectangle({ x: 2, y: 2, width: 294, height: 416, borderWidth: 2 });
    const composed = await composeLabel(Buffer.from(await full.save()), PORTAL);

    expect(composed.overlayPage).toBe(1);
    const document = await PDFDocument.load(composed.pdf);
    expect(document.getPageCount()).toBe(2);
    expect(await pdfToPngs(composed.pdf, OUTPUT, 'label-full-a6')).toHaveLength(2);
    const [, overlayText = ''] = await pdfPages(composed.pdf, path.join(OUTPUT, 'label-full-a6.pdf'));
    expect(overlayText).toContain('IPAY RETOUR / RETURN');
  });
});
