import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { json } from './schemas/orderApi';

const tags = ['Operations'];
const liveness = { tags, summary: 'Liveness: the process answers', operationId: 'healthz', response: { 200: json(z.object({ status: z.literal('ok') }), 'alive') } };
const readiness = {
  tags,
  summary: 'Readiness: Temporal answers too',
  operationId: 'readyz',
  response: {
    200: json(z.object({ status: z.literal('ready') }), 'ready'),
    503: json(z.object({ status: z.literal('unavailable'), message: z.string() }), 'Temporal is not reachable'),
  },
};

/** Liveness (the process answers) and readiness (Temporal answers too). */
export default function healthRoutes(app: FastifyInstance, opts: { temporal: Client }): void {
  app.get('/healthz', { schema: liveness }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', { schema: readiness }, async (request, reply) => {
    try {
      await opts.temporal.workflowService.getSystemInfo({});
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'Temporal not reachable');
      return reply.code(503).send({ status: 'unavailable', message: 'Temporal is not reachable' });
    }
  });
}
