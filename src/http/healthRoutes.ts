import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';

/** Liveness (the process answers) and readiness (Temporal answers too). */
export default function healthRoutes(app: FastifyInstance, opts: { temporal: Client }): void {
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await opts.temporal.workflowService.getSystemInfo({});
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'Temporal not reachable');
      return reply.code(503).send({ status: 'unavailable', message: 'Temporal is not reachable' });
    }
  });
}
