/** The generated files are what the schema says today: run `npm run generate` after changing a schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../config/gate';
import {
  CONFIG_TABLE_FILE,
  gateJsonSchema,
  gateJsonSchemaText,
  SCHEMA_FILE,
  TABLE_END,
  TABLE_START,
  withConfigTable,
} from '../config/json-schema';
import { ROOT } from './helpers/keys';

describe('generated from the schema', () => {
  it(`${SCHEMA_FILE} is up to date (npm run generate)`, async () => {
    expect(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')).toBe(await gateJsonSchemaText());
  });

  it(`${CONFIG_TABLE_FILE}'s configuration table is up to date (npm run generate)`, () => {
    const readme = readFileSync(join(ROOT, CONFIG_TABLE_FILE), 'utf8');
    expect(readme).toContain(TABLE_START);
    expect(readme).toContain(TABLE_END);
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('a stale table is detected', () => {
    const readme = readFileSync(join(ROOT, CONFIG_TABLE_FILE), 'utf8');
    const stale = readme.replace('| `cookieName` | `"__Host-tenant"` |', '| `cookieName` | `"session"` |');
    expect(stale).not.toBe(readme);
    expect(withConfigTable(stale)).toBe(readme);
  });

  it('the JSON Schema accepts both shipped configurations (editors show no error in them)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats.default(ajv);
    const accepts = ajv.compile(gateJsonSchema());
    for (const file of ['gatekeeper.config.json', 'demo/local.config.json']) {
      const valid = accepts(JSON.parse(readFileSync(join(ROOT, file), 'utf8')));
      expect({ file, errors: accepts.errors ?? null, valid }).toEqual({ file, errors: null, valid: true });
    }
  });

  it('the JSON Schema documents every top-level field and requires exactly those without a default', () => {
    const schema = gateJsonSchema();
    expect(new Set(Object.keys(schema.properties!))).toEqual(new Set(CONFIG_FIELDS));
    expect([...schema.required!].sort()).toEqual(['audience', 'domain', 'issuer', 'keys', 'maxTokenLifetimeSeconds']);
    expect(schema.additionalProperties).toBe(false);
  });
});
