import type { FastifyBaseLogger } from 'fastify';

/** The logger every component takes: pino's, as Fastify hands it out. */
export type Log = FastifyBaseLogger;
