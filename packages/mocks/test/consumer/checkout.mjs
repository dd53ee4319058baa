// A consumer's app: its checkout sends three events through Segment's Node SDK, and one event it
// builds by hand with fetch — without the event name m1das requires.
import { Analytics } from '@segment/analytics-node';

export async function sendCheckout(m1dasUrl) {
  const analytics = new Analytics({ writeKey: 'checkout-write-key', host: m1dasUrl, flushAt: 3, maxRetries: 0 });
  const errors = [];
  analytics.on('error', (error) => errors.push(error));
  analytics.identify({ userId: 'buyer-1', traits: { plan: 'pro' } });
  analytics.page({ userId: 'buyer-1', name: 'Checkout' });
  analytics.track({
    userId: 'buyer-1',
    event: 'purchase_completed',
    properties: { order_id: 'order-42', total: 99.5 },
  });
  await analytics.closeAndFlush({ timeout: 20_000 });
  if (errors.length) throw new Error(`the SDK failed: ${errors.map(String).join('; ')}`);

  await fetch(new URL('/v1/batch', m1dasUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${btoa('checkout-write-key:')}` },
    body: JSON.stringify({ batch: [{ type: 'track', userId: 'buyer-1', properties: { order_id: 'order-43' } }] }),
  });
}
