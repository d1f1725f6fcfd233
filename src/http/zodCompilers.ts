import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { describeIssues } from '@vipps-orders/vipps/schemas';
import { OrderCommandError } from '../orders/errors';

/**
 * Route schemas are zod (the same schemas the order client and the workflow parse with). A request
 * that fails one is refused before its handler runs, with the same 400 the order client gives:
 * `invalid_command` and an issue per field.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    // A POST without a body (e.g. `curl -X POST …/cancel`) arrives as null: it is no body, not a null body.
    const result = schema.safeParse(httpPart === 'body' && data === null ? undefined : data);
    if (result.success) return { value: result.data };
    // A whole-body issue is "(body)"; a whole-params or headers issue names the part instead.
    const issues = describeIssues(result.error, httpPart === 'body' ? '(body)' : `(${httpPart ?? 'request'})`).map((d) => ({ field: d.name, reason: d.reason }));
    return { error: new OrderCommandError('invalid_command', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), { issues }) };
  };

/**
 * Responses are sent as they are: their conformance to the document is checked by the contract
 * tests and Schemathesis, not at run time, where a mismatch would turn an order into a 500.
 */
export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/** For schemas that only document a part another layer checks (raw webhook bytes, the return page's HTML errors). */
export const documentOnly: FastifySchemaCompiler<unknown> = () => (data: unknown) => ({ value: data });
