// The consumer's own test: what did checkout send?
import { clearReceived, received, startMocks } from '@trackspec/mocks';
import '@trackspec/mocks/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendCheckout } from './checkout.mjs';

let mocks;
beforeAll(async () => {
  mocks = await startMocks({ apis: ['m1das'], ports: 'ephemeral' });
}, 120_000);
afterAll(() => mocks?.stop());

it('sends purchase_completed with its order_id, and nothing the spec refuses but the hand-made event', async () => {
  const m1das = mocks.urls.m1das;
  await clearReceived(m1das);
  await sendCheckout(m1das);

  const batches = await received(m1das, { operationId: 'ingestBatch' });
  const valid = batches.filter((entry) => entry.verdict === 'valid');
  expect(valid.flatMap((entry) => entry.body.batch.map((event) => event.type))).toEqual(['identify', 'page', 'track']);
  expect(valid.every((entry) => entry.headers.authorization === '[redacted]')).toBe(true);
  await expect(m1das).toHaveReceived('ingestBatch', {
    event: 'purchase_completed',
    properties: { order_id: 'order-42' },
  });
  await expect(m1das).not.toHaveReceived('ingestBatch', { event: 'purchase_refunded' });

  const refused = batches.filter((entry) => entry.verdict !== 'valid');
  expect(refused).toHaveLength(1);
  expect(refused[0].body.batch[0].properties.order_id).toBe('order-43');
  expect(refused[0].verdict).toContainEqual(
    expect.objectContaining({ in: 'body', pointer: '/batch/0/event', keyword: 'required' }),
  );
}, 120_000);
