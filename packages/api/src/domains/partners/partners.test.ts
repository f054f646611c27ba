import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, http, type TestPlatform } from '../../testing';

describe('partners', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('is served, and asks who is calling', async () => {
    expect((await http(platform.baseUrl, 'GET', '/api/partners/status')).status).toBe(401);
  });
});
