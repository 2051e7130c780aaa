/**
 * What is generated from the gate's schema: the editor JSON Schema (gatekeeper.config.schema.json) and the
 * configuration table of docs/reference.md. zod 4 writes JSON Schema itself (`z.toJSONSchema`), so there is no second
 * schema library. `npm run generate` writes both; test/config-generated.test.ts fails when either is stale.
 */
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { gateInputSchema } from './gate';

export const SCHEMA_FILE = 'gatekeeper.config.schema.json';
export const TABLE_START = '<!-- config-table:start (npm run generate) -->';
export const TABLE_END = '<!-- config-table:end -->';

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  additionalProperties?: unknown;
  [keyword: string]: unknown;
};

/** The JSON Schema of gatekeeper.config.json, as editors and JSON Schema validators read it. */
export function gateJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(gateInputSchema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: 'https://github.com/tenant-gate/tenant-gate/gatekeeper.config.schema.json',
    title: 'tenant-gate configuration',
    description:
      'Generated from config/gate.ts by npm run generate. The build (npm run build) checks more than this schema ' +
      'can say: key import, tenant pattern safety, signingKid among keys, lifetimes against each other.',
    ...body,
  };
}

export async function gateJsonSchemaText(): Promise<string> {
  const options = await resolveConfig(SCHEMA_FILE);
  return format(JSON.stringify(gateJsonSchema()), { ...options, parser: 'json', filepath: SCHEMA_FILE });
}

/** The object form of a node that may also be null (`anyOf: [{…}, {type: "null"}]`). */
function objectOf(node: JsonSchema): JsonSchema | undefined {
  if (node.properties !== undefined) return node;
  const objects = (node.anyOf ?? []).filter((option) => option.properties !== undefined);
  return objects.length === 1 ? objects[0] : undefined;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rows(node: JsonSchema, prefix: string, lines: string[]): void {
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (name === '$schema') continue;
    const field = `${prefix}${name}`;
    const description = child.description ?? objectOf(child)?.description ?? '';
    const fallback =
      child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : required.has(name) ? 'required' : '–';
    lines.push(`| \`${field}\` | ${cell(fallback)} | ${cell(description)} |`);
    const inner = objectOf(child);
    // The local section has its own reference (local/README.md).
    if (inner !== undefined && name !== 'local') rows(inner, `${field}.`, lines);
  }
}

/** The page that holds the configuration table between the markers. */
export const CONFIG_TABLE_FILE = 'docs/reference.md';

/** The configuration table: one row per field, its default ("required" when it has none) and meaning. */
export function configTable(): string {
  const lines = ['| field | default | meaning |', '|---|---|---|'];
  rows(gateJsonSchema(), '', lines);
  return lines.join('\n');
}

/** `readme` (the text of CONFIG_TABLE_FILE) with the text between the table markers replaced by the generated table. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`${CONFIG_TABLE_FILE} has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${configTable()}\n\n${readme.slice(end)}`;
}
