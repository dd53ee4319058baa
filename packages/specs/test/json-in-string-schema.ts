/** A body whose `event` member is JSON carried in a string (`contentSchema`), as Dito's `event` is. */
export const jsonInStringSchema = {
  type: 'object',
  properties: {
    event: {
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { type: 'object', required: ['action'], properties: { action: { type: 'string' } } },
    },
  },
};
