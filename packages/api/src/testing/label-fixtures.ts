import { PDFDocument, StandardFonts, rgb } from '@cantoo/pdf-lib';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type FixturePaper = 'a6' | 'a4';

/** Points: A6 105 × 148 mm, A4 210 × 297 mm. */
const PAGE: Record<FixturePaper, [number, number]> = { a6: [298, 420], a4: [595, 842] };

/**
 * A carrier label as Sendcloud hands it out: on A6 the label fills the top of the page and leaves a band at the
 * bottom; on A4 (`paper_size=a4`) the A6 label sits in the top-left quarter. `contentBox` is what was drawn,
 * known by construction, so tests can check an overlay against it without trusting the overlay's own analysis.
 */
export async function carrierLabelPdf(
  paper: FixturePaper,
  trackingNumber = '3SYZXG132912330',
): Promise<{ pdf: Buffer; contentBox: Box }> {
  const document = await PDFDocument.create();
  const [width, height] = PAGE[paper];
  const page = document.addPage([width, height]);
  const font = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const left = 14;
  const top = height - 14;
  const labelWidth = 270;
  page.drawRectangle({
    x: left,
    y: top - 270,
    width: labelWidth,
    height: 270,
    borderWidth: 1.5,
    borderColor: rgb(0, 0, 0),
  });
  page.drawText('DPD RETURN', { x: left + 10, y: top - 26, size: 16, font: bold });
  page.drawText('From: J. Jansen, Stadhuisplein 50, 1013 AB Amsterdam NL', {
    x: left + 10,
    y: top - 46,
    size: 7,
    font,
  });
  page.drawText('To: Shop B.V., Insulindelaan 115, 5642 CV Eindhoven NL', {
    x: left + 10,
    y: top - 58,
    size: 7,
    font,
  });
  // Barcode: bars of pseudo-random widths, the part a scanner must read.
  let x = left + 16;
  for (let index = 0; x < left + labelWidth - 24; index += 1) {
    const bar = 1 + ((index * 7 + trackingNumber.length) % 3);
    page.drawRectangle({ x, y: top - 200, width: bar, height: 120, color: rgb(0, 0, 0) });
    x += bar + 1 + (index % 2);
  }
  page.drawText(trackingNumber, { x: left + 60, y: top - 222, size: 12, font });
  page.drawText('Sendcloud', { x: left + 10, y: top - 258, size: 9, font: bold });
  return {
    pdf: Buffer.from(await document.save()),
    contentBox: { x: left - 1, y: top - 271, width: labelWidth + 2, height: 272 },
  };
}

export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
