import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Once an hour, delivered records and processed webhooks older than store.retentionDays are pruned. */
const retention: FastifyPluginAsync<{ retentionDays: number }> = async (app, { retentionDays }) => {
  const retentionMs = retentionDays * DAY_MS;
  const pruneTimer = setInterval(() => {
    const now = Date.now();
    app.store
      .prune(now - retentionMs, now - retentionMs)
      .then((pruned) => app.log.info(pruned, 'pruned delivered records and processed webhooks past retention'))
      .catch((error) => app.log.warn({ err: error }, 'pruning failed'));
  }, HOUR_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(pruneTimer);
  });
};

export const retentionPlugin = fp(retention, { name: 'retention', fastify: '5.x', dependencies: ['store'] });
