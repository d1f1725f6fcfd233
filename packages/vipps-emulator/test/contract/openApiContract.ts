import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import addFormats from 'ajv-formats';
import OpenAPIBackend, { type Document, ValidationContext } from 'openapi-backend';
import { parse } from 'yaml';
import { type HttpResult } from '../support/emulator';

/**
 * Contract checks of real emulator responses against the vendored Vipps OpenAPI files.
 *
 * openapi-backend only validates response bodies declared as exactly `application/json` and
 * silently passes everything else. The Vipps specs use `application/problem+json` (ePayment errors
 * and even the 200 AdjustResponse of capture/cancel/refund) and `application/json;charset=UTF-8`
 * (access token). So, on an in-memory copy of each spec (the files stay verbatim):
 *   1. every response whose single media type is JSON-ish is re-keyed to `application/json`, and
 *      the declared media type is remembered so the emulator's Content-Type can be checked too;
 *   2. operations without an operationId (the Webhooks spec and most of the Report spec have none) get the names used here.
 * Then this harness refuses to pass vacuously: a status the spec does not declare needs an
 * explicit fallback schema, and a status declared without a body requires that no body is sent.
 */

const PACKAGE_ROOT = join(__dirname, '..', '..');

/** Asserts the status, showing the start of the body when it differs (the usual clue). */
export function expectStatus(result: HttpResult, status: number): HttpResult {
  expect({ status: result.status, body: result.text.slice(0, 300) }).toEqual({ status, body: expect.any(String) as unknown });
  return result;
}

/** The package's own copies, or VIPPS_SPECS_DIR (a relative one is taken from where jest runs). */
export function specsDir(): string {
  const dir = process.env.VIPPS_SPECS_DIR;
  if (!dir) return join(PACKAGE_ROOT, 'specs');
  return isAbsolute(dir) ? dir : join(process.cwd(), dir);
}

export const SPEC_FILES = {
  epayment: 'developer-site-mirror/epayment.yaml',
  webhooks: 'developer-site-mirror/webhooks.yaml',
  accessToken: 'developer-site-mirror/access-token.yaml',
  orderManagement: 'official-repos/vipps-order-management-api/swagger.yaml',
  report: 'official-repos/vipps-report-api/swagger.yaml',
} as const;

/** Names for operations that have no operationId in their spec ("method path"). */
const MISSING_OPERATION_IDS: Record<string, string> = {
  'post /v1/webhooks': 'registerWebhook',
  'get /v1/webhooks': 'listWebhooks',
  'delete /v1/webhooks/{id}': 'deleteWebhook',
  'get /report/v2/ledgers/{ledgerId}/{topic}/feed': 'getReportFeed',
  'get /report/v2/ledgers/{ledgerId}/{topic}/dates/{ledgerDate}': 'getReportByDate',
  'get /report/v1/ledgertransactions': 'getLedgerTransactions',
};

const JSON_ISH = /^application\/([a-z.+-]+\+)?json\s*(;.*)?$/i;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * The API gateway (Azure APIM) answers 401 and 429 before a request reaches the API, with
 * `{ statusCode, message }`. No Vipps spec describes that body (they list 401 without content,
 * or not at all), so this schema, taken from the documented gateway behaviour, stands in for it.
 */
export const GATEWAY_ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'message'],
  additionalProperties: false,
  properties: { statusCode: { type: 'integer' }, message: { type: 'string', minLength: 1 } },
};

/** Credential errors of /accesstoken/get (Azure AD shape); the spec lists 401 without a body. */
export const ACCESS_TOKEN_ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id'],
  properties: {
    error: { type: 'string', minLength: 1 },
    error_description: { type: 'string', minLength: 1 },
    error_codes: { type: 'array', items: { type: 'integer' } },
    timestamp: { type: 'string' },
    trace_id: { type: 'string' },
    correlation_id: { type: 'string' },
  },
};

interface DeclaredResponse {
  /** The spec's own media type, before normalization; undefined when no body is declared. */
  mediaType?: string;
}

export type Fallback =
  | { component: string; mediaType: string }
  | { schema: object; mediaType: string; why: string };

export interface CheckOptions {
  /** For a status the spec does not declare: what the body must match instead. */
  fallback?: Fallback;
  /** A documented, deliberate difference between the declared and the sent media type. */
  mediaTypeDeviation?: { sends: string; why: string };
  /**
   * For a status the spec lists without describing a body (e.g. 401 from the gateway) while the
   * real service does send one: the schema that body must match. Without it, no body is allowed.
   */
  undescribedBody?: Fallback;
}

type AnyRecord = Record<string, unknown>;

export class ContractSpec {
  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly declared: Map<string, DeclaredResponse>,
    readonly file: string,
  ) {}

  static async load(file: string): Promise<ContractSpec> {
    const definition = parse(readFileSync(join(specsDir(), file), 'utf8')) as AnyRecord;
    const declared = normalize(definition);
    const api = new OpenAPIBackend({
      definition: definition as unknown as Document,
      strict: true,
      quick: false,
      validate: true,
      ajvOpts: { strict: false, logger: false },
      customizeAjv: (ajv) => {
        addFormats(ajv);
        return ajv;
      },
    });
    await api.init();
    return new ContractSpec(api, declared, file);
  }

  operationIds(): string[] {
    return this.api.getOperations().map((o) => o.operationId ?? 'unknown');
  }

  /** Asserts that a real response matches the spec; throws with every problem found. */
  check(operationId: string, result: HttpResult, options: CheckOptions = {}): void {
    if (!this.api.getOperation(operationId)) throw new Error(`${this.file}: no operation ${operationId}`);
    const problems: string[] = [];
    const key = `${operationId} ${result.status}`;
    const declared = this.declared.get(key);

    if (declared && declared.mediaType === undefined && options.undescribedBody) {
      problems.push(...this.checkFallback(options.undescribedBody, result));
    } else if (declared && declared.mediaType === undefined) {
      if (result.text !== '') problems.push(`the spec declares ${result.status} without a body, but a body was sent: ${result.text.slice(0, 200)}`);
    } else if (declared) {
      const validation = this.api.validateResponse(result.body, operationId, result.status);
      if (!validation.valid) problems.push(`body does not match the spec: ${JSON.stringify(validation.errors)}`);
      problems.push(...mediaTypeProblems(declared.mediaType ?? '', result, options));
    } else if (options.fallback) {
      problems.push(...this.checkFallback(options.fallback, result));
    } else {
      problems.push(`the spec declares no response ${result.status} for ${operationId} and no fallback schema was given`);
    }
    if (problems.length > 0) {
      throw new Error(`${this.file} ${operationId} → HTTP ${result.status}:\n  ${problems.join('\n  ')}\n  body: ${result.text.slice(0, 500)}`);
    }
  }

  /** Whether the spec declares this status for the operation (so a test can say which path it took). */
  declares(operationId: string, status: number): boolean {
    return this.declared.has(`${operationId} ${status}`);
  }

  private checkFallback(fallback: Fallback, result: HttpResult): string[] {
    const problems: string[] = [];
    let schema: object;
    if ('component' in fallback) {
      const components = (this.api.definition.components?.schemas ?? {}) as Record<string, object>;
      const component = components[fallback.component];
      if (!component) return [`the spec has no component ${fallback.component}`];
      schema = component;
    } else {
      schema = fallback.schema;
    }
    const validate = this.api.validator.getAjv(ValidationContext.Response).compile(schema);
    if (!validate(result.body)) problems.push(`body does not match the fallback schema: ${JSON.stringify(validate.errors)}`);
    if (result.mediaType !== fallback.mediaType) problems.push(`Content-Type ${result.mediaType}, expected ${fallback.mediaType}`);
    return problems;
  }
}

function mediaTypeProblems(declared: string, result: HttpResult, options: CheckOptions): string[] {
  const declaredEssence = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  if (result.mediaType === declaredEssence) {
    // Parameters matter where the spec names one (the token endpoint's charset=UTF-8).
    const param = declared.split(';')[1]?.trim().toLowerCase();
    const sent = result.headers.get('content-type')?.toLowerCase().replace(/\s/g, '') ?? '';
    if (param && !sent.includes(param.replace(/\s/g, ''))) return [`Content-Type ${sent} lacks ${param}`];
    return [];
  }
  if (options.mediaTypeDeviation && options.mediaTypeDeviation.sends === result.mediaType) return [];
  return [`Content-Type ${result.mediaType || '(none)'}, the spec declares ${declared}`];
}

/** Re-keys a response's single JSON-ish media type to application/json; returns the original one. */
function normalizeContent(response: AnyRecord): string | undefined {
  const content = response.content as AnyRecord | undefined;
  const mediaTypes = Object.keys(content ?? {});
  const original = mediaTypes[0];
  if (content && original && mediaTypes.length === 1 && JSON_ISH.test(original) && original !== 'application/json') {
    content['application/json'] = content[original];
    delete content[original];
  }
  return original;
}

/** Normalizes the in-memory spec (see the header) and returns the declared media type per "operationId status". */
function normalize(definition: AnyRecord): Map<string, DeclaredResponse> {
  const declared = new Map<string, DeclaredResponse>();
  // Shared response components are normalized once; their original media types are kept by name.
  const responseComponents = ((definition.components as AnyRecord | undefined)?.responses ?? {}) as AnyRecord;
  const componentMediaType = new Map<string, string | undefined>();
  for (const [name, response] of Object.entries(responseComponents)) {
    componentMediaType.set(name, normalizeContent((response ?? {}) as AnyRecord));
  }
  for (const [path, pathItem] of Object.entries((definition.paths ?? {}) as AnyRecord)) {
    for (const method of HTTP_METHODS) {
      const operation = (pathItem as AnyRecord)[method] as AnyRecord | undefined;
      if (!operation) continue;
      operation.operationId ??= MISSING_OPERATION_IDS[`${method} ${path}`];
      const operationId = operation.operationId as string | undefined;
      const responses = (operation.responses ?? {}) as AnyRecord;
      for (const [status, response] of Object.entries(responses)) {
        // openapi-backend trips over a bare `'204':` (null) response object.
        if (response === null) responses[status] = { description: 'No content' };
        const target = (responses[status] ?? {}) as AnyRecord;
        const ref = target.$ref;
        const mediaType =
          typeof ref === 'string' && ref.startsWith('#/components/responses/')
            ? componentMediaType.get(ref.slice('#/components/responses/'.length))
            : normalizeContent(target);
        if (operationId) declared.set(`${operationId} ${status}`, { mediaType });
      }
    }
  }
  return declared;
}
