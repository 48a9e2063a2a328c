// The ingest baseline: a bare Fastify app with one POST route answering {received:true}
// to the same JSON bodies the relay gets. Prints {"bare":"listening","url":...} once up.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/webhooks/zoom', async () => ({ received: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const { port } = app.server.address();
process.stdout.write(`${JSON.stringify({ bare: 'listening', url: `http://127.0.0.1:${port}` })}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
