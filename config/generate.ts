/**
 * `npm run generate`: writes gatekeeper.config.schema.json and the configuration table of docs/reference.md from the
 * schema in config/gate.ts. Run it after changing a schema; test/config-generated.test.ts fails until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_TABLE_FILE, gateJsonSchemaText, SCHEMA_FILE, withConfigTable } from './json-schema';

const root = resolve(import.meta.dirname, '..');
writeFileSync(join(root, SCHEMA_FILE), await gateJsonSchemaText());
const page = join(root, CONFIG_TABLE_FILE);
writeFileSync(page, withConfigTable(readFileSync(page, 'utf8')));
console.log(`wrote ${SCHEMA_FILE} and the configuration table in ${CONFIG_TABLE_FILE}`);
