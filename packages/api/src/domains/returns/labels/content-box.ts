import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  type PDFPage,
} from '@cantoo/pdf-lib';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'string'; length: number }
  | { kind: 'operator'; value: string }
  | { kind: 'array-start' | 'array-end' };

/**
 * The bounding box of everything a page draws: painted paths, text (its width estimated from the character
 * count, generously), images and form XObjects, through the transformation matrix. Clipping paths and
 * unpainted paths do not count. Conservative by design: an overestimate only shrinks the free area.
 */
export function pageContentBox(page: PDFPage): Box | undefined {
  const bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const add = (matrix: Matrix, x: number, y: number): void => {
    const [px, py] = apply(matrix, x, y);
    bounds.x0 = Math.min(bounds.x0, px);
    bounds.y0 = Math.min(bounds.y0, py);
    bounds.x1 = Math.max(bounds.x1, px);
    bounds.y1 = Math.max(bounds.y1, py);
  };
  let ctm: Matrix = IDENTITY;
  const saved: Matrix[] = [];
  let pending: [number, number][] = [];
  let textMatrix: Matrix = IDENTITY;
  let lineMatrix: Matrix = IDENTITY;
  let fontSize = 12;
  let leading = 0;
  let operands: Token[] = [];
  let arrayChars = 0;
  let inArray = false;
  const numbers = (): number[] => operands.flatMap((token) => (token.kind === 'number' ? [token.value] : []));
  const text = (characters: number): void => {
    const width = characters * fontSize * 0.62;
    const glyphs = multiply(textMatrix, ctm);
    for (const [x, y] of [
      [0, -0.3 * fontSize],
      [width, -0.3 * fontSize],
      [0, fontSize],
      [width, fontSize],
    ] as const) {
      add(glyphs, x, y);
    }
    textMatrix = multiply([1, 0, 0, 1, width, 0], textMatrix);
  };
  const moveText = (tx: number, ty: number): void => {
    lineMatrix = multiply([1, 0, 0, 1, tx, ty], lineMatrix);
    textMatrix = lineMatrix;
  };
  const xObject = (name: string): void => {
    const object = lookupXObject(page, name);
    const bbox = object?.lookup(PDFName.of('BBox'));
    if (object?.lookup(PDFName.of('Subtype')) === PDFName.of('Form') && bbox instanceof PDFArray) {
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = numbersOf(bbox);
      const formMatrix = object.lookup(PDFName.of('Matrix'));
      const matrix = multiply(
        formMatrix instanceof PDFArray ? (numbersOf(formMatrix) as Matrix) : IDENTITY,
        ctm,
      );
      for (const [x, y] of [
        [x0, y0],
        [x1, y0],
        [x0, y1],
        [x1, y1],
      ] as const)
        add(matrix, x, y);
      return;
    }
    for (const [x, y] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const)
      add(ctm, x, y);
  };

  for (const token of tokenize(contentBytes(page))) {
    if (token.kind === 'array-start') {
      inArray = true;
      arrayChars = 0;
      continue;
    }
    if (token.kind === 'array-end') {
      inArray = false;
      operands.push({ kind: 'string', length: arrayChars });
      continue;
    }
    if (inArray) {
      if (token.kind === 'string') arrayChars += token.length;
      continue;
    }
    if (token.kind !== 'operator') {
      operands.push(token);
      continue;
    }
    const n = numbers();
    switch (token.value) {
      case 'q':
        saved.push(ctm);
        break;
      case 'Q':
        ctm = saved.pop() ?? IDENTITY;
        break;
      case 'cm':
        if (n.length === 6) ctm = multiply(n as Matrix, ctm);
        break;
      case 'm':
      case 'l':
        pending.push([n[0] ?? 0, n[1] ?? 0]);
        break;
      case 'c':
        for (let index = 0; index + 1 < n.length; index += 2)
          pending.push([n[index] ?? 0, n[index + 1] ?? 0]);
        break;
      case 'v':
      case 'y':
        for (let index = 0; index + 1 < n.length; index += 2)
          pending.push([n[index] ?? 0, n[index + 1] ?? 0]);
        break;
      case 're': {
        const [x = 0, y = 0, w = 0, h = 0] = n;
        pending.push([x, y], [x + w, y], [x, y + h], [x + w, y + h]);
        break;
      }
      case 'S':
      case 's':
      case 'f':
      case 'F':
      case 'f*':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        for (const [x, y] of pending) add(ctm, x, y);
        pending = [];
        break;
      case 'n':
        pending = [];
        break;
      case 'BT':
        textMatrix = IDENTITY;
        lineMatrix = IDENTITY;
        break;
      case 'Tf':
        fontSize = Math.abs(n[0] ?? fontSize);
        break;
      case 'TL':
        leading = n[0] ?? leading;
        break;
      case 'Td':
        moveText(n[0] ?? 0, n[1] ?? 0);
        break;
      case 'TD':
        leading = -(n[1] ?? 0);
        moveText(n[0] ?? 0, n[1] ?? 0);
        break;
      case 'Tm':
        if (n.length === 6) {
          lineMatrix = n as Matrix;
          textMatrix = lineMatrix;
        }
        break;
      case 'T*':
        moveText(0, -leading);
        break;
      case 'Tj':
      case 'TJ':
        text(lastString(operands));
        break;
      case "'":
      case '"':
        moveText(0, -leading);
        text(lastString(operands));
        break;
      case 'Do': {
        const last = operands.at(-1);
        if (last?.kind === 'name') xObject(last.value);
        break;
      }
      case 'EI':
        for (const [x, y] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const)
          add(ctm, x, y);
        break;
    }
    operands = [];
  }
  if (!Number.isFinite(bounds.x0)) return undefined;
  const { width, height } = page.getSize();
  const x0 = Math.max(0, bounds.x0);
  const y0 = Math.max(0, bounds.y0);
  return { x: x0, y: y0, width: Math.min(width, bounds.x1) - x0, height: Math.min(height, bounds.y1) - y0 };
}

function lastString(operands: Token[]): number {
  const last = [...operands].reverse().find((token) => token.kind === 'string');
  return last?.kind === 'string' ? last.length : 0;
}

function numbersOf(array: PDFArray): number[] {
  return array.asArray().map((item) => (item instanceof PDFNumber ? item.asNumber() : 0));
}

function lookupXObject(page: PDFPage, name: string): PDFDict | undefined {
  const xObjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xObjects instanceof PDFDict)) return undefined;
  const object = xObjects.lookup(PDFName.of(name));
  if (object instanceof PDFRawStream) return object.dict;
  return object instanceof PDFDict ? object : undefined;
}

function contentBytes(page: PDFPage): Uint8Array {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const parts = streams.map((entry) => {
    const stream = entry instanceof PDFRef ? page.doc.context.lookup(entry) : entry;
    return stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : new Uint8Array();
  });
  return Buffer.concat(parts.flatMap((part) => [Buffer.from(part), Buffer.from('\n')]));
}

const DELIMITERS = new Set('()<>[]{}/%'.split('').map((c) => c.charCodeAt(0)));
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 0;

/** A content-stream tokenizer: enough of PDF's syntax to follow operators and count string characters. */
function* tokenize(bytes: Uint8Array): Generator<Token> {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i] ?? 0;
    if (isSpace(c)) {
      i += 1;
    } else if (c === 37) {
      while (i < bytes.length && bytes[i] !== 10 && bytes[i] !== 13) i += 1;
    } else if (c === 40) {
      let depth = 1;
      let length = 0;
      i += 1;
      while (i < bytes.length && depth > 0) {
        const d = bytes[i] ?? 0;
        if (d === 92) i += 1;
        else if (d === 40) depth += 1;
        else if (d === 41) depth -= 1;
        if (depth > 0) length += 1;
        i += 1;
      }
      yield { kind: 'string', length };
    } else if (c === 60 && bytes[i + 1] === 60) {
      i += 2;
    } else if (c === 62 && bytes[i + 1] === 62) {
      i += 2;
    } else if (c === 60) {
      const start = i;
      while (i < bytes.length && bytes[i] !== 62) i += 1;
      i += 1;
      yield { kind: 'string', length: Math.ceil((i - start - 2) / 2) };
    } else if (c === 91) {
      i += 1;
      yield { kind: 'array-start' };
    } else if (c === 93) {
      i += 1;
      yield { kind: 'array-end' };
    } else if (c === 47) {
      const start = ++i;
      while (i < bytes.length && !isSpace(bytes[i] ?? 0) && !DELIMITERS.has(bytes[i] ?? 0)) i += 1;
      yield { kind: 'name', value: Buffer.from(bytes.subarray(start, i)).toString('latin1') };
    } else {
      const start = i;
      while (i < bytes.length && !isSpace(bytes[i] ?? 0) && !DELIMITERS.has(bytes[i] ?? 0)) i += 1;
      if (i === start) i += 1;
      const word = Buffer.from(bytes.subarray(start, i)).toString('latin1');
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
        yield { kind: 'number', value: Number(word) };
      } else if (word === 'ID') {
        // Inline image data is binary: skip to its `EI`.
        while (i < bytes.length && !(bytes[i] === 69 && bytes[i + 1] === 73 && isSpace(bytes[i - 1] ?? 0)))
          i += 1;
      } else {
        yield { kind: 'operator', value: word };
      }
    }
  }
}
