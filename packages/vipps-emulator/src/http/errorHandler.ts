import { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { apiProblem } from '../problems';
import { ApiError, sendApiResponse } from './apiResponse';
import { type ApiKind } from './routeConfig';

/** The API a request was addressed to, for requests that matched no route. */
export function apiForPath(url: string): ApiKind {
  if (url.startsWith('/epayment/')) return 'epayment';
  if (url.startsWith('/webhooks/')) return 'webhooks';
  if (url.startsWith('/order-management/')) return 'orderManagement';
  if (url.startsWith('/report/') || url.startsWith('/settlement/')) return 'report';
  if (url.startsWith('/accesstoken/')) return 'accessToken';
  if (url.startsWith('/landing')) return 'landing';
  return 'control';
}

function apiOf(request: FastifyRequest): ApiKind {
  return request.routeOptions.config.api ?? apiForPath(request.url);
}

/** Errors and unknown routes answer in the error shape of the API the caller was talking to. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendApiResponse(reply, error.response);
    const clientError = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
    const status = clientError ? (error.statusCode as number) : 500;
    if (!clientError) request.log.error({ err: error }, 'unhandled error');
    const api = apiOf(request);
    return sendApiResponse(
      reply,
      apiProblem(api, {
        status,
        path: request.url,
        detail: clientError ? error.message : 'Internal error in the emulator',
        fields: clientError ? [{ name: '(body)', reason: error.message }] : undefined,
        errorCode: !clientError && api === 'epayment' ? 3010 : undefined,
      }),
    );
  });
  app.setNotFoundHandler((request, reply) => {
    const api = apiForPath(request.url);
    const detail = `No route for ${request.method} ${request.url.split('?')[0]}`;
    return sendApiResponse(reply, apiProblem(api, { status: 404, path: request.url, detail }));
  });
}
