import { bodyCases } from './body-cases';
import type { Operation } from './operations';
import { paramCases } from './param-cases';
import type { Random } from './prng';
import type { BaseRequest, HostileCase } from './request';
import type { Resolve } from './sample';

// Drawn for every operation that has them: values the schema accepts but a column may not hold.
const ALWAYS = ['body.all-max', 'query.cursor-forged'];

/**
 * `count` cases for the operation, drawn so the kinds of input are spread: families (body.nul, path.long…) are
 * visited round-robin in a seeded order (those in ALWAYS first), one random case of the family each time.
 */
export function planCases(
  operation: Operation,
  base: BaseRequest,
  resolve: Resolve,
  random: Random,
  count: number,
): HostileCase[] {
  const byFamily = new Map<string, Array<HostileCase & { family: string }>>();
  for (const candidate of [...paramCases(operation, base), ...bodyCases(operation, base, resolve)]) {
    const list = byFamily.get(candidate.family) ?? [];
    list.push(candidate);
    byFamily.set(candidate.family, list);
  }
  const shuffled = random.shuffle([...byFamily.keys()].sort());
  const families = [
    ...shuffled.filter((family) => ALWAYS.includes(family)),
    ...shuffled.filter((family) => !ALWAYS.includes(family)),
  ];
  const chosen: HostileCase[] = [];
  for (let round = 0; chosen.length < count && families.some((f) => byFamily.get(f)?.length); round++) {
    const family = families[round % families.length] as string;
    const remaining = byFamily.get(family) ?? [];
    if (remaining.length === 0) continue;
    chosen.push(...remaining.splice(random.int(remaining.length), 1));
  }
  return chosen;
}
