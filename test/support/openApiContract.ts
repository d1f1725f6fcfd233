/**
 * Checks real responses of the order service against its own OpenAPI document (/openapi.json):
 * the status must be documented for the operation, the media type must be the documented one,
 * and a JSON body must match the documented schema (JSON Schema 2020-12, formats checked).
 * The document itself must be valid OpenAPI 3.1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface CheckedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: string;
}

export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly checked: string[] = [];

  private constructor(readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'doc', components: (document.components ?? {}) as Json });
  }

  static async load(baseUrl: string): Promise<OpenApiContract> {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Json;
    await validateDocument(document);
    return new OpenApiContract(document);
  }

  private operation(method: string, path: string): { template: string; op: Operation } {
    const paths = this.document.paths as Record<string, Record<string, Operation>>;
    const bare = path.split('?')[0]!;
    for (const [template, ops] of Object.entries(paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const op = ops[method.toLowerCase()];
      if (op && pattern.test(bare)) return { template, op };
    }
    throw new Error(`${method} ${bare} is not in the OpenAPI document`);
  }

  /** Throws, naming what differs, unless the response is one the document describes. */
  check(r: CheckedResponse): void {
    const { template, op } = this.operation(r.method, r.path);
    const where = `${r.method} ${template} → ${r.status}`;
    const declared = op.responses[String(r.status)];
    if (!declared) throw new Error(`${where}: status not documented (documented: ${Object.keys(op.responses).join(', ')}); body ${r.body.slice(0, 200)}`);
    const mediaType = (r.contentType ?? '').split(';')[0]!.trim();
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (r.body !== '') throw new Error(`${where}: documented without a body, got ${r.body.slice(0, 200)}`);
      return;
    }
    const media = content[mediaType];
    if (!media) throw new Error(`${where}: media type ${mediaType || '(none)'} not documented (${Object.keys(content).join(', ')})`);
    if (mediaType === 'application/json' && media.schema) {
      const key = `${where} ${mediaType}`;
      let validate = this.compiled.get(key);
      if (!validate) {
        validate = this.ajv.compile(rebase(media.schema));
        this.compiled.set(key, validate);
      }
      if (!validate(JSON.parse(r.body))) throw new Error(`${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors)}; body ${r.body.slice(0, 300)}`);
    }
    this.checked.push(where);
  }
}

/** `#/components/…` refers to the document; inside a compiled fragment it must say so. */
function rebase(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\//g, '"$ref":"doc#/components/')) as Json;
}

/**
 * Validates against the OpenAPI 3.1 schema with @seriousme/openapi-schema-validator's CLI: the
 * package is ESM only, which jest's CommonJS loader cannot import.
 */
export async function validateDocument(document: Json): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
  try {
    await promisify(execFile)(process.execPath, [cli, file]);
  } catch (err) {
    throw new Error(`the document is not valid OpenAPI 3.1: ${(err as { stdout?: string }).stdout ?? String(err)}`, { cause: err });
  }
}
