import { createTestMerchant, createTestPlatform, http, type TestPlatform } from '@ipay/api/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

const HEADER =
  'Ordernummer;Naam;E-mailadres;Adres;Postcode;Plaats;Land;Valuta;Vervoerder;SKU;Product;Aantal;Prijs\n';

describe('order upload job', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('imports a queued upload when the queue runs, and reports it completed', async () => {
    const merchant = await createTestMerchant(platform);
    const rows = Array.from(
      { length: 1_200 },
      (_, i) =>
        `Q-${i};Anna de Vries;anna@example.nl;Keizersgracht 1;1015 CJ;Amsterdam;NL;EUR;POSTNL;MUG;Mok;1;899\n`,
    );
    const form = new FormData();
    form.append('file', new Blob([HEADER + rows.join('')]), 'bestellingen.csv');
    const response = await fetch(`${platform.baseUrl}/api/orders/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: form,
    });
    expect(response.status).toBe(202);
    const { upload } = (await response.json()) as { upload: { id: string } };

    await runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
    });
    const status = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${upload.id}`, {
      token: merchant.token,
    });
    expect(status.body).toMatchObject({
      status: 'completed',
      progress: 1,
      created_count: 1_200,
      rejected_count: 0,
    });
  }, 120_000);
});
