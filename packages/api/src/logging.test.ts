import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging';

describe('request URLs in logs', () => {
  it('hides pay tokens, stream tickets and card codes, and keeps the rest', () => {
    expect(redactUrl('/api/session/AbC-123_xyz/start-payment')).toBe('/api/session/[redacted]/start-payment');
    expect(redactUrl('/pay/AbC-123_xyz?payment=success')).toBe('/pay/[redacted]?payment=success');
    expect(redactUrl('/api/events/stream?token=t0k3n&lastEventId=9')).toBe(
      '/api/events/stream?token=[redacted]&lastEventId=9',
    );
    expect(redactUrl('/api/cards/ABCD-EFGH-JKLM-NPQR-STUV/activate')).toBe('/api/cards/[redacted]/activate');
    expect(redactUrl('/api/orders?q=anna&limit=5')).toBe('/api/orders?q=anna&limit=5');
  });
});
