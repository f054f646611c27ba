import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { typedOutput } from './typed-output';

describe('typedOutput', () => {
  const Answer = z.object({ total: z.int(), id: z.uuid() }).meta({ id: 'TypedOutputTestAnswer' });

  it('hands the answer back as it is, while the schema itself still checks', () => {
    const answer = { total: 1.5, id: 'not a uuid' };
    expect(typedOutput(Answer).parse(answer)).toBe(answer);
    expect(() => Answer.parse(answer)).toThrow();
  });

  it('keeps the schema for documents: one instance per schema, same id, same JSON Schema', () => {
    const typed = typedOutput(Answer);
    expect(typedOutput(Answer)).toBe(typed);
    expect(z.globalRegistry.get(typed)).toEqual({ id: 'TypedOutputTestAnswer' });
    expect(z.toJSONSchema(typed, { io: 'output' })).toEqual(z.toJSONSchema(Answer, { io: 'output' }));
  });
});
