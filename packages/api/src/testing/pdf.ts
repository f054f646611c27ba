import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Language } from '../pages/i18n';
import type { DocumentInput } from '../platform/pdf';

const run = promisify(execFile);

/**
 * A carrier credit statement as the carriers' domain will print one: `rows` over-billed parcels with tracking
 * number, ship date, cause and three amounts, and its totals (the sums of those amounts).
 */
export function sampleStatement(rows: number, language: Language = 'en'): DocumentInput {
  const lines = Array.from({ length: rows }, (_, index) => {
    const expected = 1_234 + index;
    const billed = 1_534 + 2 * index;
    return {
      tracking: `1Z999AA1${String(10_000_000 + index)}`,
      shipped: `2026-11-${String(1 + (index % 28)).padStart(2, '0')}`,
      cause: index % 3 ? 'Weight 2.5 kg billed as 5 kg' : 'Fuel surcharge 17.25% instead of 15.50%',
      expected: { amountMinor: expected, currency: 'EUR' },
      billed: { amountMinor: billed, currency: 'EUR' },
      claimed: { amountMinor: billed - expected, currency: 'EUR' },
    };
  });
  const sum = (key: 'expected' | 'billed' | 'claimed') => ({
    amountMinor: lines.reduce((total, line) => total + line[key].amountMinor, 0),
    currency: 'EUR',
  });
  const dutch = language === 'nl';
  return {
    language,
    title: dutch ? 'Creditnota-verzoek' : 'Credit statement',
    number: 'CS-UPS-2026-0042 rev. 2',
    issuedOn: '2026-11-30',
    dueOn: '2026-12-30',
    period: { from: '2026-11-01', to: '2026-11-28' },
    references: [
      { label: dutch ? 'Klantnummer' : 'Carrier account', value: 'UPS 12345X' },
      { label: dutch ? 'Factuur' : 'Invoice', value: '0000A1B2C3-470' },
    ],
    from: {
      name: 'IPAY B.V.',
      lines: ['Keizersgracht 100', '1015 AA Amsterdam', 'Nederland'],
      vatNumber: 'NL123456789B01',
      email: 'finance@ipay.example',
    },
    to: { name: 'UPS Nederland B.V.', lines: ['Attn. Billing', 'Postbus 12345', '1100 AA Amsterdam'] },
    columns: [
      { key: 'tracking', label: dutch ? 'Trackingnummer' : 'Tracking number' },
      { key: 'shipped', label: dutch ? 'Verzonden' : 'Shipped', kind: 'date' },
      { key: 'cause', label: dutch ? 'Oorzaak' : 'Cause' },
      { key: 'expected', label: dutch ? 'Verwacht' : 'Expected', kind: 'money' },
      { key: 'billed', label: dutch ? 'Gefactureerd' : 'Billed', kind: 'money' },
      { key: 'claimed', label: dutch ? 'Geclaimd' : 'Claimed', kind: 'money' },
    ],
    rows: lines,
    totals: [
      { label: dutch ? 'Gefactureerd' : 'Billed', amount: sum('billed') },
      { label: dutch ? 'Verwacht' : 'Expected', amount: sum('expected') },
      { label: dutch ? 'Totaal geclaimd' : 'Total claimed', amount: sum('claimed') },
    ],
    notes: [
      dutch
        ? 'Crediteer het totaal binnen 30 dagen onder vermelding van het nummer van dit overzicht.'
        : 'Please credit the total claimed within 30 days, quoting this statement number.',
      'Questions: <finance@ipay.example> & "billing" <script>alert(1)</script>',
    ],
  };
}

/** The PDF's text page by page (`pdftotext -layout`; pages end with a form feed). */
export async function pdfPages(pdf: Buffer, file: string): Promise<string[]> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 64 * 2 ** 20 });
  return stdout.split('\f').slice(0, -1);
}

/** Every page as a PNG (`pdftoppm -png`) into `folder`, named `<name>-<page>.png`, for a person to look at. */
export async function pdfToPngs(pdf: Buffer, folder: string, name: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  for (const old of (await readdir(folder)).filter((file) => file.startsWith(`${name}-`))) {
    await rm(path.join(folder, old));
  }
  const source = path.join(folder, `${name}.pdf`);
  await writeFile(source, pdf);
  await run('pdftoppm', ['-png', '-r', '80', source, path.join(folder, name)]);
  return (await readdir(folder))
    .filter((file) => file.startsWith(`${name}-`) && file.endsWith('.png'))
    .sort();
}

/** The process and every process below it, from `ps` (Chromium's zygote, GPU and renderer children). */
export async function processTree(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,stat=']);
  const rows = stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , stat]) => !stat?.startsWith('Z'))
    .map(([child = '', parent = '']) => ({ child: Number(child), parent: Number(parent) }));
  const tree = rows.some((row) => row.child === pid) ? [pid] : [];
  for (let index = 0; index < tree.length; index += 1) {
    tree.push(...rows.filter((row) => row.parent === tree[index]).map((row) => row.child));
  }
  return tree;
}

/** Which of these processes still run (zombies waiting to be reaped count as ended). */
export async function stillRunning(pids: readonly number[]): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,stat=']);
  const alive = new Set(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, stat]) => !stat?.startsWith('Z'))
      .map(([pid]) => Number(pid)),
  );
  return pids.filter((pid) => alive.has(pid));
}
