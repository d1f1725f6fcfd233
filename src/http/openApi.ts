import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiReferenceUi } from './apiReferenceTheme';
import { ApiError } from './schemas/errors';
import { OPTIONAL_BODY } from './schemas/orderApi';
import { orderEventWebhook } from './schemas/orderEvent';

const zodComponents = createJsonSchemaTransformObject({});

type Document = Record<string, unknown> & { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };
type Operation = Record<string, unknown> & { requestBody?: { required?: boolean } };

/**
 * Two corrections to the generated document: a body the route accepts empty is not `required`,
 * and components no route refers to (the zod transform emits an input twin of each) are dropped.
 */
function tidy(document: Document): Document {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation[OPTIONAL_BODY] === undefined) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
        const name = child.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(document.paths);
  used.add('ApiError');
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return document;
}

export interface OpenApiOptions {
  version: string;
  currency: string;
}

/**
 * The OpenAPI 3.1 document, made from the routes' own zod schemas (@fastify/swagger collects the
 * routes registered after this plugin; fastify-type-provider-zod turns zod into JSON Schema), served
 * at /openapi.json, with a reference page at /docs (titled and marked as this product's:
 * apiReferenceTheme.ts). The page's assets come from the installed
 * @fastify/swagger-ui package, so it works without internet; `validatorUrl: null` keeps it from
 * calling the public validator.
 */
async function openApi(app: FastifyInstance, opts: OpenApiOptions): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vipps MobilePay orders',
        version: opts.version,
        description:
          'Orders paid with Vipps MobilePay, each run as a durable Temporal workflow. ' +
          `This service's sales unit takes ${opts.currency}. Every error is \`{ error, message, … }\` (schema ApiError); ` +
          'a 400 `invalid_command` has `issues` naming each field, and nothing was started or changed.',
      },
      tags: [
        { name: 'Orders', description: 'For shops and back-end services (bearer API key)' },
        { name: 'Settlements', description: 'For finance: payouts and the orders in them, from the Report API (bearer API key)' },
        { name: 'Customer', description: 'Pages the customer sees' },
        { name: 'Vipps', description: 'Called by Vipps MobilePay' },
        { name: 'Operations', description: 'Health and this document' },
        { name: 'Demo shop', description: 'Only with DEMO_SHOP=true: the demo shop and merchant pages' },
      ],
      webhooks: orderEventWebhook(),
      components: {
        securitySchemes: {
          orderApiKey: { type: 'http', scheme: 'bearer', description: 'ORDER_API_KEY (dev-order-api-key under npm start)' },
          vippsSignature: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'HMAC-SHA256 signature of the Webhooks API' },
        },
      },
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (document) => tidy(zodComponents(document) as Document),
  });

  // ApiError (every code) is a component by its id, though each route documents a narrower body.
  void ApiError;

  app.get('/openapi.json', { schema: { tags: ['Operations'], summary: 'This document', operationId: 'openApiDocument', response: { 200: z.looseObject({ openapi: z.string() }) } } }, () => app.swagger());

  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    ...apiReferenceUi(),
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0, tryItOutEnabled: false },
    validatorUrl: false,
  });
}

export default fp(openApi, { name: 'open-api' });
