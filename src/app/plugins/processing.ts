import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { EventMappings } from '../../domain/event-mappings.js';
import { remapUnmapped } from '../../processing/remap-unmapped.js';
import type { RecordFilter } from '../../store/ports.js';

declare module 'fastify' {
  interface FastifyInstance {
    processing: {
      /** Maps unmapped records matching the filter with the current event mappings. */
      remap(filter?: RecordFilter): Promise<{ mapped: number; stillUnmapped: number }>;
      /** New event mappings (configuration reload); resolves to how many unmapped records now map. */
      setEvents(events: RelayConfig['events']): Promise<number>;
      /** The event mappings in force. */
      mappings(): EventMappings;
    };
  }
}

/** Webhooks into records: the event mappings, and the store worker's processing loop. */
const processing: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, pipeline, processingThread } = app;
  let mappings = new EventMappings(config.events);

  const remap = async (filter: RecordFilter = {}) => {
    const result = await remapUnmapped(store, mappings, filter, Date.now());
    if (result.mapped > 0) pipeline.queued.emit(undefined);
    return result;
  };
  app.decorate('processing', {
    remap,
    async setEvents(events: RelayConfig['events']) {
      mappings = new EventMappings(events);
      processingThread.setMappings(events);
      // Events the relay creates: a refused one gets another try, created ones are compared again.
      await store.reconsiderEvents(Date.now());
      return (await remap()).mapped;
    },
    mappings: () => mappings,
  });

  // Before processing starts, every record that can be delivered is queued again: batches left
  // in flight when the last process died are sent again (at-least-once), and records whose event
  // was mapped since are mapped now.
  app.addHook('onReady', async () => {
    const released = await store.releaseInflight();
    const mapped = (await remap()).mapped;
    app.log.info({ released, mapped }, 'start-up: batches left in flight are pending again, newly mapped records queued');
    processingThread.startProcessing();
  });
};

export const processingPlugin = fp(processing, { name: 'processing', fastify: '5.x', dependencies: ['store'] });
