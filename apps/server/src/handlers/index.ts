/**
 * The handlers of each registered API, by registry name, found from the registry: the module
 * `src/handlers/<name>.ts` and its export `<name>Handlers` (the name as an identifier, as the types
 * package spells its namespace: `m1dasHandlers`, `my-api` → `myApiHandlers`). A new API adds its
 * module, not a line here.
 */
import { apiNames, identifierOf } from '@trackspec/specs';
import type { HandlerFactory } from './context.js';

async function handlersOf(api: string): Promise<HandlerFactory> {
  const module = `./${api}.js`;
  const exportName = `${identifierOf(api)}Handlers`;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(`${api}.`)) throw error;
    throw new Error(
      `No handlers for API "${api}": write apps/server/src/handlers/${api}.ts exporting ${exportName} (one handler per operationId)`,
      { cause: error },
    );
  }
  const factory = loaded[exportName];
  if (typeof factory !== 'function')
    throw new Error(
      `apps/server/src/handlers/${api}.ts must export ${exportName}, a HandlerFactory (see typedHandlers)`,
    );
  return factory as HandlerFactory;
}

export const handlerFactories: Readonly<Record<string, HandlerFactory>> = Object.freeze(
  Object.fromEntries(await Promise.all(apiNames.map(async (api) => [api, await handlersOf(api)] as const))),
);
