// Keeps the server's custom search attributes in line with src/workflows/messages/searchAttributes.ts.
// `start-dev --search-attribute` only applies when a namespace is created, so a persistent dev DB
// made before a key was added would lack it; ensureSearchAttributes() fills such gaps.
import { type SearchAttributeType } from '@temporalio/common';
import { ORDER_SEARCH_ATTRIBUTES } from '../src/workflows/messages/searchAttributes';
import { run } from './process';

export interface SearchAttributeSpec {
  readonly name: string;
  readonly type: SearchAttributeType;
}

// Exhaustive over SearchAttributeType, so a new SDK type fails to compile instead of mapping wrongly.
const CLI_TYPE: Record<SearchAttributeType, string> = {
  KEYWORD: 'Keyword',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
  INT: 'Int',
  TEXT: 'Text',
  BOOL: 'Bool',
  DOUBLE: 'Double',
};

export function cliSearchAttributeType(type: SearchAttributeType): string {
  return CLI_TYPE[type];
}

/** `--search-attribute Name=Type` pairs for `temporal server start-dev`. */
export function searchAttributeFlags(keys: readonly SearchAttributeSpec[] = ORDER_SEARCH_ATTRIBUTES): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${cliSearchAttributeType(key.type)}`]);
}

/** Reads `customAttributes` from `temporal operator search-attribute list -o json` (types like INDEXED_VALUE_TYPE_KEYWORD). */
export function parseCustomSearchAttributes(json: string): Map<string, SearchAttributeType> {
  const parsed = JSON.parse(json) as { customAttributes?: Record<string, string> };
  const known = new Set<string>(Object.keys(CLI_TYPE));
  const result = new Map<string, SearchAttributeType>();
  for (const [name, indexedType] of Object.entries(parsed.customAttributes ?? {})) {
    const type = indexedType.replace(/^INDEXED_VALUE_TYPE_/, '');
    if (!known.has(type)) throw new Error(`search attribute ${name} has unknown type ${indexedType}`);
    result.set(name, type as SearchAttributeType);
  }
  return result;
}

export interface SearchAttributePlan {
  /** Missing keys grouped by CLI type, since `create` takes one --type and many --name. */
  create: Map<string, string[]>;
  /** Keys registered with another type; the server cannot change a type, so these need a human. */
  conflicts: string[];
}

export function planSearchAttributes(existing: ReadonlyMap<string, SearchAttributeType>, wanted: readonly SearchAttributeSpec[]): SearchAttributePlan {
  const plan: SearchAttributePlan = { create: new Map(), conflicts: [] };
  for (const key of wanted) {
    const current = existing.get(key.name);
    if (current === undefined) {
      const cliType = cliSearchAttributeType(key.type);
      plan.create.set(cliType, [...(plan.create.get(cliType) ?? []), key.name]);
    } else if (current !== key.type) {
      plan.conflicts.push(`${key.name} is ${current} on the server but ${key.type} in code`);
    }
  }
  return plan;
}

/** Creates any missing search attributes via the CLI; returns the names it created. */
export async function ensureSearchAttributes(
  binary: string,
  address: string,
  namespace: string,
  keys: readonly SearchAttributeSpec[] = ORDER_SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const target = ['--address', address, '--namespace', namespace];
  const list = async () => parseCustomSearchAttributes((await run(binary, ['operator', 'search-attribute', 'list', ...target, '-o', 'json'])).stdout);

  const plan = planSearchAttributes(await list(), keys);
  if (plan.conflicts.length > 0) {
    throw new Error(
      `Search attributes in namespace ${namespace} at ${address} have the wrong type:\n  ${plan.conflicts.join('\n  ')}\n` +
        'A type cannot be changed; remove the attribute (`temporal operator search-attribute remove`) or start from a fresh DB.',
    );
  }
  for (const [type, names] of plan.create) {
    await run(binary, ['operator', 'search-attribute', 'create', ...target, '--type', type, ...names.flatMap((n) => ['--name', n])]);
  }
  const created = [...plan.create.values()].flat();
  if (created.length > 0) {
    const after = planSearchAttributes(await list(), keys);
    const missing = [...after.create.values()].flat();
    if (missing.length > 0 || after.conflicts.length > 0) {
      throw new Error(`Search attributes not as expected after create: ${[...missing.map((n) => `${n} missing`), ...after.conflicts].join('; ')}`);
    }
  }
  return created;
}
