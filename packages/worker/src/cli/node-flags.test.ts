import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PLATFORM_NODE_FLAGS } from './node-flags';

describe('the platform node flags', () => {
  it('are passed by every start script of the root package', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../../../../package.json', import.meta.url), 'utf8'),
    ) as { scripts: Record<string, string> };
    const starts = Object.entries(manifest.scripts).filter(([name]) => name.startsWith('start'));
    expect(starts.map(([name]) => name)).toEqual(['start', 'start:api', 'start:worker']);
    for (const [name, script] of starts) {
      expect(script.split(' ').slice(1, 1 + PLATFORM_NODE_FLAGS.length), name).toEqual([
        ...PLATFORM_NODE_FLAGS,
      ]);
    }
  });
});
