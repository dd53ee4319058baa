/**
 * The handlers of each registered API, by registry name: one line per API, checked against `ApiName`
 * (the registry's names, generated from the specs), so a registered API without handlers, or handlers
 * for no registered API, does not compile.
 */
import { identifierOf } from '@trackspec/specs';
import type { ApiName } from '@trackspec/types';
import { adminHandlers } from './admin.js';
import type { HandlerFactory } from './context.js';
import { ditoHandlers } from './dito.js';
import { hellotextHandlers } from './hellotext.js';
import { m1dasHandlers } from './m1das.js';
import { rockstatHandlers } from './rockstat.js';
import { ttoHandlers } from './tto.js';

export const handlerFactories = Object.freeze({
  m1das: m1dasHandlers,
  tto: ttoHandlers,
  dito: ditoHandlers,
  hellotext: hellotextHandlers,
  rockstat: rockstatHandlers,
  admin: adminHandlers,
} satisfies Record<ApiName, HandlerFactory>);

/**
 * The handlers of an API of the registry the server runs on, which may be another than the one it was
 * compiled against (TRACKSPEC_BUNDLED_DIR): an API this build has no handlers for stops the start-up.
 */
export function handlerFactoryOf(api: string): HandlerFactory {
  if (Object.hasOwn(handlerFactories, api)) return handlerFactories[api as ApiName];
  throw new Error(
    `No handlers for API "${api}": write apps/server/src/handlers/${api}.ts exporting ${identifierOf(api)}Handlers ` +
      '(one handler per operationId) and list it in apps/server/src/handlers/index.ts',
  );
}
