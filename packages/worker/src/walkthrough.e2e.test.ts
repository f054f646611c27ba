import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@ipay/db';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { FAKE_SENDCLOUD_KEYS, startFakeSendcloud, type FakeSendcloud } from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliProcess, waitFor, type PlatformProcess } from './testing/cli-process';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The shell blocks of a Markdown page, in order: what a reader pastes into one terminal. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

function runBash(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('docs/walkthrough.md and the consumer and returns walk-throughs after it, run as written against a started platform', () => {
  let database: TestDatabase;
  let sendcloud: FakeSendcloud;
  let dataDir: string;
  let platform: PlatformProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-walkthrough-'));
    const port = await freePort();
    sendcloud = await startFakeSendcloud();
    env = {
      DATABASE_URL: database.connectionString,
      JWT_KEYS: `walkthrough:${randomBytes(24).toString('hex')}`,
      IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      IPAY_DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'error',
      SENDCLOUD_BASE_URL: sendcloud.url,
      SENDCLOUD_PUBLIC_KEY: FAKE_SENDCLOUD_KEYS.publicKey,
      SENDCLOUD_SECRET_KEY: FAKE_SENDCLOUD_KEYS.secretKey,
    };
    platform = startCliProcess(['start'], env);
    await waitFor(async () => {
      const response = await fetch(`${env.PUBLIC_URL}/readyz`);
      return response.status === 200 ? true : undefined;
    }, 'the platform');
  });
  afterAll(async () => {
    await platform?.interrupt();
    await sendcloud.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('takes every role from nothing to a delivered parcel, an activated card, a credited carrier bill, a consumer account and a refunded return', async () => {
    const pages = ['docs/walkthrough.md', 'docs/domains/consumer.md', 'docs/domains/returns.md'];
    const blocks = await Promise.all(
      pages.map(async (page) => shellBlocks(await readFile(path.join(REPO, page), 'utf8'))),
    );
    expect(blocks.map((page) => page.length > 2)).toEqual([true, true, true]);
    const result = await runBash(blocks.flat().join('\n'), { ...env, BASE: env.PUBLIC_URL ?? '' });
    expect(result.code, `${result.output}\n--- the platform's output ---\n${platform?.output() ?? ''}`).toBe(
      0,
    );
    expect(result.output).toContain('DELIVERED by PostNL');
    expect(result.output).toMatch(/^active$/m);
    expect(result.output).toMatch(/^3STULP1001NL: MISMATCH price billed \d+ expected \d+$/m);
    expect(result.output).toMatch(/^Statement CS-POSTNL-\d+ resolved$/m);
    expect(result.output).toMatch(/^redeemed again: 400$/m);
    expect(result.output).toMatch(/^consumer token on \/api\/orders: 401$/m);
    expect(result.output).toMatch(/^TULIP-1001: delivered$/m);
    expect(result.output).toMatch(/^Anna: 2000 EUR available$/m);
    expect(result.output).toMatch(/^Bram: 500 EUR available$/m);
    expect(result.output).toMatch(/^ledger balanced after the transfer: true$/m);
    expect(result.output).toMatch(/^Anna has 44 points$/m);
    expect(result.output).toMatch(/^Anna keeps 4 points$/m);
    expect(result.output).toMatch(/^Deal for Anna: Spring bulbs, 20% off \(bought_from\)$/m);
    expect(result.output).toMatch(/^Still due: 2093$/m);
    expect(result.output).toMatch(/^TULIP-1002 paid, paid by Bram$/m);
    expect(result.output).toMatch(/^Anna: 1040 EUR available, 0 held$/m);
    expect(result.output).toMatch(/^Locker call accepted for POSTNL$/m);
    expect(result.output).toMatch(/^TULIP-1002: PostNL locker Rokin B12, code 731904$/m);
    expect(result.output).toMatch(/^The shop sees the code 0 times$/m);
    expect(result.output).toMatch(/^Card: Tulip Shop BV \(issued\)$/m);
    expect(result.output).toMatch(/^Card: Bakkerij Jansen \(saved\)$/m);
    expect(result.output).toMatch(/^ledger balanced: true$/m);
    expect(result.output).toMatch(/^Return settings: bonus 10%, refund on RECEIVED, to Amsterdam$/m);
    expect(result.output).toMatch(/^Return APPROVED, items worth 1999$/m);
    expect(result.output).toMatch(/^Portal: APPROVED, next WAIT_FOR_LABEL, can cancel: true$/m);
    expect(result.output).toMatch(/^Label: return LABEL_CREATED, tracking 3SRET\d{10} by postnl$/m);
    expect(result.output).toMatch(/^The label is a PDF file$/m);
    expect(result.output).toMatch(/^Label checksum matches$/m);
    expect(result.output).toMatch(/^Asked again: same label true$/m);
    expect(result.output).toMatch(/^Scan 91: moved$/m);
    expect(result.output).toMatch(/^Scan 91 again: duplicate$/m);
    expect(result.output).toMatch(/^Forged scan: 401$/m);
    expect(result.output).toMatch(/^Portal: IN_TRANSIT$/m);
    expect(result.output).toMatch(/^Scan 11: moved$/m);
    expect(result.output).toMatch(/^Return REFUNDED: 1999 \+ bonus 199 EUR to the wallet$/m);
    expect(result.output).toMatch(/^Confirmed: still one refund of 1999$/m);
    expect(result.output).toMatch(/^Refunded return of TULIP-1001$/m);
    expect(sendcloud.returns).toHaveLength(1);
  });
});
