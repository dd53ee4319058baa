// Entry of the store's writer thread: the writer is TypeScript, and a worker thread does not
// inherit the main thread's tsx hooks on Node 20, so it registers them itself first.
import { register } from 'tsx/esm/api';

register();
await import('./writer-thread.ts');
