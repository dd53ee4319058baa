/** The ceiling: a bare Fastify answering 200 {} on the m1das route, with no validation and no storage. */
import Fastify from 'fastify';

const app = Fastify();
app.post('/m1das/api/s/:type', async () => ({}));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`bare fastify on ${address}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
