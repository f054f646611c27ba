import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildOpenApiDocument } from './document';

/** The committed document uses the production base URL so it does not depend on anyone's PUBLIC_URL. */
const DOCUMENT_BASE_URL = 'https://api.ipay.global';

const args = process.argv.slice(2);
const check = args.includes('--check');
const target = args.find((a) => !a.startsWith('--'));
if (!target) {
  process.stderr.write('usage: write-document.ts [--check] <file>\n');
  process.exit(2);
}
const file = path.resolve(target);
const rendered = `${JSON.stringify(buildOpenApiDocument(DOCUMENT_BASE_URL), null, 2)}\n`;
if (check) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== rendered) {
    process.stderr.write(`${target} is stale: run \`pnpm openapi\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${target} is current.\n`);
} else {
  await writeFile(file, rendered);
  process.stdout.write(`wrote ${target}\n`);
}
