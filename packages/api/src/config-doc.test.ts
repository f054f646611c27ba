import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from './config';
import { CONFIG_DOC_FILE, environmentRows, renderConfigurationDoc } from './config-doc';

describe('docs/configuration.md', () => {
  it('is current with the config schema (run `pnpm config:doc` when this fails)', async () => {
    const committed = await readFile(CONFIG_DOC_FILE, 'utf8');
    expect(renderConfigurationDoc(committed)).toBe(committed);
  });

  it('describes every variable the schema reads', () => {
    const rows = environmentRows();
    expect(rows.map((row) => row.variable)).toEqual(
      Object.keys(EnvSchema.shape).map((name) => `\`${name}\``),
    );
    for (const row of rows) expect(row.meaning.length).toBeGreaterThan(10);
  });

  it('keeps the hand-written text around the markers and fails without them', () => {
    const page = renderConfigurationDoc(
      'intro\n\n<!-- config-doc:start: generated from packages/api/src/config.ts by `pnpm config:doc`; do not edit -->\nold\n<!-- config-doc:end -->\n\noutro\n',
    );
    expect(page.startsWith('intro\n\n')).toBe(true);
    expect(page.endsWith('<!-- config-doc:end -->\n\noutro\n')).toBe(true);
    expect(page).not.toContain('\nold\n');
    expect(page).toContain('| `DATABASE_URL` ');
    expect(() => renderConfigurationDoc('no markers')).toThrow(/markers/);
  });
});
