import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { IntakeError } from './answer-shapes.js';
import { rowIdOf } from './batch-ids.js';
import type { BatchReader } from './batch-reader.js';
import { batchAnswer } from './batch-status.js';
import type { IntakeApp } from './routes.js';
import { AUTH_NOTE, IntakeHeaders, responses, TAG } from './route-schemas.js';

/** GET /intake/batches/{id}: the outcome of a batch the caller's token stored. */
export function batchStatusRoutes(app: IntakeApp, context: { callerOf: (request: FastifyRequest) => string; reader: BatchReader }): void {
  const { callerOf, reader } = context;
  app.get(
    '/intake/batches/:id',
    {
      schema: {
        summary: 'The outcome of a batch stored by the HubSpot-compatible intake',
        description: `PENDING until read, PROCESSING while inputs wait for delivery, COMPLETE with HubSpot's \`results\` (email, vid) and \`errors\` (dead-lettered inputs). Honours \`Prefer: wait=N\`. ${AUTH_NOTE}`,
        tags: [TAG],
        // Any text: an id that is malformed, unknown or another token's is 404 alike.
        params: Type.Object({
          id: Type.String({ description: 'The batch id (from `links.status`); only the token that stored the batch can read it' }),
        }),
        headers: IntakeHeaders,
        response: responses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Another token's batch reads exactly like one that does not exist.
      const rowId = rowIdOf(callerOf(request), id);
      const batch = rowId === undefined ? undefined : await reader.read(rowId);
      if (rowId === undefined || !batch) throw new IntakeError(404, 'OBJECT_NOT_FOUND', 'No intake batch with this id');
      return reader.answerWithWait(request, reply, rowId, id, { batch, answer: batchAnswer(batch, id) });
    },
  );
}
