/** The m1das request bodies every benchmark sends: a fresh message id each, so nothing is deduplicated away. */
import { randomUUID } from 'node:crypto';

/** The demo config's m1das write key (the vendor's example). */
export const demoWriteKey = 'keyId:keySecret';

/** One track event, as `POST /api/s/track` takes it. */
export const trackBody = () =>
  JSON.stringify({
    type: 'track',
    event: 'purchase_completed',
    userId: 'user@example.com',
    messageId: randomUUID(),
    properties: { order_id: 'ORD-456', total: 99.99 },
    context: { ip: '127.0.0.1', locale: 'en-US' },
  });

/** A 100-event batch, as `POST /v1/batch` takes it (the write key in the body). */
export const batchBody = () =>
  JSON.stringify({
    batch: Array.from({ length: 100 }, (_, index) => ({
      type: 'track',
      event: 'button_clicked',
      userId: `user-${index}`,
      messageId: randomUUID(),
      properties: { button: 'signup' },
    })),
    writeKey: demoWriteKey,
  });
