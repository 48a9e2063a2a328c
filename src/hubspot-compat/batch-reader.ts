import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookLookup, WebhookStatus } from '../store/ports.js';
import { IntakeError, type BatchResponse } from './answer-shapes.js';
import { batchAnswer, isIntakeBatch } from './batch-status.js';
import { preferredWait } from './prefer-wait.js';
import type { BatchWaiters } from './waiters.js';

/** How the intake routes read a stored batch and answer with it, `Prefer: wait=N` honoured. */
export interface BatchReader {
  /** One of the caller's batches, by its row id; undefined when there is none (or it is not an intake batch). */
  read(rowId: number): Promise<WebhookStatus | undefined>;
  answerWithWait(
    request: FastifyRequest,
    reply: FastifyReply,
    rowId: number,
    id: string,
    first: { batch?: WebhookStatus; answer: BatchResponse },
  ): Promise<BatchResponse>;
}

export function batchReader(options: {
  store: WebhookLookup;
  waiters: BatchWaiters;
  isClosing: () => boolean;
  callerOf: (request: FastifyRequest) => string;
}): BatchReader {
  const { store, waiters, isClosing, callerOf } = options;

  const read = async (rowId: number): Promise<WebhookStatus | undefined> => {
    let batch;
    try {
      batch = await store.webhookStatus(rowId);
    } catch (error) {
      throw new IntakeError(503, 'INTERNAL_ERROR', 'The relay cannot read the batch right now; retry later', {
        subCategory: 'STORE_UNAVAILABLE',
        headers: { 'retry-after': '5' },
        cause: error,
      });
    }
    return batch && isIntakeBatch(batch) ? batch : undefined;
  };

  /**
   * Honours `Prefer: wait=N`: holds the answer until the batch is COMPLETE, N s pass, the client
   * leaves or the relay closes, re-reading it only when woken (see BatchWaiters). Past the waiters'
   * caps the answer comes at once, without Preference-Applied, as if the preference was not sent.
   */
  const answerWithWait: BatchReader['answerWithWait'] = async (request, reply, rowId, id, first) => {
    const wait = preferredWait(request.headers.prefer);
    if (wait === undefined) return first.answer;
    if (first.answer.status === 'COMPLETE') {
      reply.header('preference-applied', `wait=${wait}`);
      return first.answer;
    }
    const waiter = waiters.enter(callerOf(request));
    if (!waiter) return first.answer;
    reply.header('preference-applied', `wait=${wait}`);
    const deadline = Date.now() + wait * 1000;
    let gone = false;
    reply.raw.once('close', () => {
      gone = true;
      waiter.wake();
    });
    waiter.saw(first.batch);
    let answer = first.answer;
    try {
      while (answer.status !== 'COMPLETE' && !gone && !isClosing()) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await waiter.sleep(left);
        const batch = await read(rowId).catch(() => undefined); // the store is away: answer with what is known
        if (!batch) break;
        waiter.saw(batch);
        answer = batchAnswer(batch, id);
      }
    } finally {
      waiter.leave();
    }
    return answer;
  };

  return { read, answerWithWait };
}
