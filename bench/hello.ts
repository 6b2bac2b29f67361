// Same-run reference for the HTTP benchmarks: a bare Fastify hello world in its own process.
//   node --import tsx bench/hello.ts [port]      (or PORT=...; HOST defaults to 127.0.0.1)
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? process.env.PORT ?? 4100);
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ port, host });
process.stdout.write(`hello-world listening on http://${host}:${port}\n`);

const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
