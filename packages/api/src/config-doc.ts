import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { DOCUMENTED_DEFAULTS, EnvSchema } from './config';

/**
 * Writes the table of environment variables into docs/configuration.md, between the markers, from the config
 * schema itself (its `.describe()` texts and defaults): the page cannot drift from what config.ts reads.
 * `--check` fails instead of writing when the committed page is stale (CI, like `pnpm openapi:check`).
 */

export const CONFIG_DOC_FILE = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
export const CONFIG_DOC_START =
  '<!-- config-doc:start: generated from packages/api/src/config.ts by `pnpm config:doc`; do not edit -->';
export const CONFIG_DOC_END = '<!-- config-doc:end -->';

function schemaDefault(schema: z.ZodType): unknown {
  const def = schema.def as { type: string; defaultValue?: unknown };
  return def.type === 'default' ? def.defaultValue : undefined;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** One row per variable, in the schema's order. A variable without a description is an error, not a gap. */
export function environmentRows(): { variable: string; default: string; meaning: string }[] {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const meaning = (schema as z.ZodType).description;
    if (!meaning) throw new Error(`${name} has no .describe() in packages/api/src/config.ts`);
    const documented = DOCUMENTED_DEFAULTS[name as keyof typeof EnvSchema.shape];
    const value = schemaDefault(schema as z.ZodType);
    const literal = typeof value === 'string' ? value : JSON.stringify(value);
    const shown = documented ?? (value === undefined ? 'unset' : `\`${literal}\``);
    return { variable: `\`${name}\``, default: shown, meaning };
  });
}

/** A Markdown table laid out the way Prettier lays it out, so `prettier --check` accepts the page. */
export function environmentTable(): string {
  const header = { variable: 'variable', default: 'default', meaning: 'meaning' };
  const rows = [header, ...environmentRows()].map((row) => [
    cell(row.variable),
    cell(row.default),
    cell(row.meaning),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(3, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** The page with its generated part replaced; the hand-written text around the markers is kept as it is. */
export function renderConfigurationDoc(page: string): string {
  const start = page.indexOf(CONFIG_DOC_START);
  const end = page.indexOf(CONFIG_DOC_END);
  if (start === -1 || end < start) {
    throw new Error(`docs/configuration.md lacks the markers ${CONFIG_DOC_START} … ${CONFIG_DOC_END}`);
  }
  return `${page.slice(0, start)}${CONFIG_DOC_START}\n\n${environmentTable()}\n\n${page.slice(end)}`;
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const target = args.find((a) => !a.startsWith('--'));
  const file = target ? path.resolve(target) : CONFIG_DOC_FILE;
  const shown = path.relative(process.cwd(), file) || file;
  const committed = await readFile(file, 'utf8');
  const rendered = renderConfigurationDoc(committed);
  if (check) {
    if (committed !== rendered) {
      process.stderr.write(`${shown} is stale: run \`pnpm config:doc\` and commit the result.\n`);
      return 1;
    }
    process.stdout.write(`${shown} is current.\n`);
    return 0;
  }
  await writeFile(file, rendered);
  process.stdout.write(`wrote ${shown}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
