// The handler list (src/handlers/index.ts): every API of the registry has its factory; an API of a registry
// bundled elsewhere (TRACKSPEC_BUNDLED_DIR) that this build has none for stops the start-up, saying what to write.
import { apiNames } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { handlerFactoryOf } from '../../src/handlers/index.js';

describe('handlerFactoryOf', () => {
  it('has the handlers of every registered API', () => {
    for (const api of apiNames) expect(handlerFactoryOf(api), api).toBeTypeOf('function');
  });

  it('refuses an API it has no handlers for, naming the module, the export and the list', () => {
    expect(() => handlerFactoryOf('my-api')).toThrow(
      'No handlers for API "my-api": write apps/server/src/handlers/my-api.ts exporting myApiHandlers (one handler per operationId) and list it in apps/server/src/handlers/index.ts',
    );
    expect(() => handlerFactoryOf('toString')).toThrow(/No handlers for API "toString"/);
  });
});
