import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { pageContentBox, type Box } from './content-box';

/** What the overlay says, in Dutch and English: the label is useless without it. */
export const OVERLAY_TITLE = 'IPAY RETOUR / RETURN';
export const OVERLAY_WARNING = [
  'Geef dit pakket niet af zonder deze IPAY-code.',
  'Do not hand over this parcel without this IPAY code.',
];

/** IPAY's emerald (#047857): dark enough to print and photocopy legibly. */
const EMERALD = rgb(0.016, 0.471, 0.341);

/** Space kept clear around the carrier's content and the page edge (points). */
const MARGIN = 8;
/** The smallest overlay that still scans: a 64 pt QR plus a line of text beside or under it. */
const MIN_WIDTH = 150;
const MIN_HEIGHT = 72;
const MAX_WIDTH = 320;
const MAX_HEIGHT = 150;

export interface ComposedLabel {
  pdf: Buffer;
  /** The page the overlay was drawn on (0-based): 0, or 1 when the carrier's page had no free band. */
  overlayPage: number;
  overlay: Box;
  /** The carrier's drawn content as found on its page; undefined for an empty page. */
  content: Box | undefined;
}

/**
 * The carrier's label, untouched, with the IPAY overlay (QR of the return portal, the warning) in the largest
 * free band around the label's drawn content. A page without such a band (a label printed edge to edge) gets
 * the overlay on a second page of the same size rather than over the carrier's barcode.
 */
export async function composeLabel(carrierPdf: Buffer, portalUrl: string): Promise<ComposedLabel> {
  const document = await PDFDocument.load(carrierPdf);
  const first = document.getPage(0);
  const content = pageContentBox(first);
  const free = freeBand(first.getSize(), content);
  const page = free ? first : document.addPage([first.getWidth(), first.getHeight()]);
  const area = free ?? {
    x: MARGIN,
    y: MARGIN,
    width: page.getWidth() - 2 * MARGIN,
    height: page.getHeight() - 2 * MARGIN,
  };
  const overlay = await drawOverlay(document, page, area, portalUrl);
  return { pdf: Buffer.from(await document.save()), overlayPage: free ? 0 : 1, overlay, content };
}

/** The largest band beside the content (below, above, left, right) that holds the smallest overlay. */
export function freeBand(page: { width: number; height: number }, content: Box | undefined): Box | undefined {
  const whole = { x: MARGIN, y: MARGIN, width: page.width - 2 * MARGIN, height: page.height - 2 * MARGIN };
  if (!content) return whole;
  const top = content.y + content.height;
  const right = content.x + content.width;
  const bands: Box[] = [
    { ...whole, height: content.y - 2 * MARGIN },
    { ...whole, y: top + MARGIN, height: page.height - top - 2 * MARGIN },
    { ...whole, width: content.x - 2 * MARGIN },
    { ...whole, x: right + MARGIN, width: page.width - right - 2 * MARGIN },
  ];
  return bands
    .filter((band) => band.width >= MIN_WIDTH && band.height >= MIN_HEIGHT)
    .sort((a, b) => b.width * b.height - a.width * a.height)[0];
}

async function drawOverlay(document: PDFDocument, page: PDFPage, area: Box, portalUrl: string): Promise<Box> {
  const font = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  // Next to the carrier's label: the top of a band below it, the bottom of a band above it.
  const width = Math.min(area.width, MAX_WIDTH);
  const height = Math.min(area.height, MAX_HEIGHT);
  const box = { x: area.x, y: area.y + area.height - height, width, height };
  page.drawRectangle({ ...box, borderColor: EMERALD, borderWidth: 1.5, borderDashArray: [4, 2] });
  const padding = 6;
  const qrSide = Math.min(height - 2 * padding, width * 0.42);
  drawQr(page, portalUrl, { x: box.x + padding, y: box.y + (height - qrSide) / 2 }, qrSide);
  const textX = box.x + 2 * padding + qrSide;
  const textWidth = box.x + width - padding - textX;
  const size = Math.max(6, Math.min(9, height / 12));
  let y = box.y + height - padding - size;
  for (const [line, lineFont] of [
    ...wrap(OVERLAY_TITLE, bold, size + 1, textWidth).map((l) => [l, bold] as const),
    ...OVERLAY_WARNING.flatMap((warning) => wrap(warning, font, size, textWidth)).map(
      (l) => [l, font] as const,
    ),
  ]) {
    const title = lineFont === bold;
    page.drawText(line, {
      x: textX,
      y,
      size: title ? size + 1 : size,
      font: lineFont,
      color: title ? EMERALD : rgb(0, 0, 0),
    });
    y -= size * 1.3;
  }
  for (const line of wrap(portalUrl, font, size - 2, textWidth, /(?<=\/)/)) {
    if (y < box.y + padding) break;
    page.drawText(line, { x: textX, y, size: size - 2, font, color: rgb(0.25, 0.25, 0.25) });
    y -= (size - 2) * 1.3;
  }
  return box;
}

/** The QR drawn as vector squares: sharp at any printer resolution, no image to embed. */
function drawQr(page: PDFPage, text: string, at: { x: number; y: number }, side: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const cell = side / (modules.size + 2 * quiet);
  page.drawRectangle({ x: at.x, y: at.y, width: side, height: side, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; column += 1) {
      if (!modules.get(row, column)) continue;
      page.drawRectangle({
        x: at.x + (column + quiet) * cell,
        y: at.y + side - (row + quiet + 1) * cell,
        width: cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number, splitter: RegExp = / /): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(splitter)) {
    const candidate = line && splitter.source === ' ' ? `${line} ${word}` : `${line}${word}`;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  return line ? [...lines, line] : lines;
}
