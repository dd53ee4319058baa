/** The handlers of each registered API, by registry name (a new API adds one line here). */
import { adminHandlers } from './admin.js';
import type { HandlerFactory } from './context.js';
import { ditoHandlers } from './dito.js';
import { hellotextHandlers } from './hellotext.js';
import { m1dasHandlers } from './m1das.js';
import { rockstatHandlers } from './rockstat.js';
import { ttoHandlers } from './tto.js';

export const handlerFactories: Readonly<Record<string, HandlerFactory>> = {
  m1das: m1dasHandlers,
  tto: ttoHandlers,
  dito: ditoHandlers,
  hellotext: hellotextHandlers,
  rockstat: rockstatHandlers,
  admin: adminHandlers,
};
