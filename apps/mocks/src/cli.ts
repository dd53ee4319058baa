/** `npm run mocks`: a Prism mock for every registered API on its fixed port, until Ctrl-C / SIGTERM. */
import { startMocks } from './index.js';

const mocks = await startMocks();
console.log('Prism mocks (Ctrl-C to stop):');
for (const mock of mocks.mocks) console.log(`  ${mock.api.padEnd(10)} ${mock.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${mocks.mocks.length} mocks...`);
    void mocks.stop().then(() => process.exit(0));
  });
}
