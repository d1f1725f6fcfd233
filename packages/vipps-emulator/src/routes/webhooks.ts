import { type FastifyPluginCallback } from 'fastify';
import { RegisterWebhookRequest } from '@vipps-orders/vipps/schemas';
import { type EmulatorContext } from '../context';
import { apiGuard, finish } from '../http/apiGuard';
import { emptyResponse, jsonResponse } from '../http/apiResponse';
import { parseWith } from '../http/requestParsing';
import { webhooksProblem } from '../problems';

const API = 'webhooks';

/** Webhooks API v1: register, list and delete registrations of the caller's MSN. */
export function webhookRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.addHook('preHandler', apiGuard(ctx, { api: API, msnRequired: false, systemHeaderMaxLength: 30 }));

    app.post('/webhooks/v1/webhooks', { config: { api: API, operation: 'registerWebhook' } }, (request, reply) => {
      const body = parseWith(RegisterWebhookRequest, request.body, API, request);
      const result = ctx.state.webhooks.register(request.vippsMsn, body, ctx.config.webhookHttpHosts, ctx.clock.now());
      if (!result.ok) {
        return finish(
          ctx,
          request,
          reply,
          webhooksProblem({ status: 400, title: 'Bad Request', path: request.url, detail: result.detail, fields: result.fields }),
        );
      }
      const { id, secret } = result.registration;
      return finish(ctx, request, reply, jsonResponse(201, { id, secret }));
    });

    app.get('/webhooks/v1/webhooks', { config: { api: API, operation: 'listWebhooks' } }, (request, reply) => {
      const webhooks = ctx.state.webhooks.list(request.vippsMsn).map(({ id, url, events }) => ({ id, url, events }));
      return finish(ctx, request, reply, jsonResponse(200, { webhooks }));
    });

    app.delete('/webhooks/v1/webhooks/:id', { config: { api: API, operation: 'deleteWebhook' } }, (request, reply) => {
      const { id } = request.params as { id: string };
      if (!ctx.state.webhooks.delete(request.vippsMsn, id)) {
        return finish(
          ctx,
          request,
          reply,
          webhooksProblem({ status: 404, title: 'Not Found', path: request.url, detail: `No webhook with id ${id} is registered` }),
        );
      }
      return finish(ctx, request, reply, emptyResponse(204));
    });

    done();
  };
}
