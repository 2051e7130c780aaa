/**
 * `npm run generate`: writes gatekeeper.config.schema.json and the README's configuration table from the
 * schema in config/gate.ts. Run it after changing a schema; test/config-generated.test.ts fails until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gateJsonSchemaText, SCHEMA_FILE, withConfigTable } from './json-schema';

const root = resolve(import.meta.dirname, '..');
writeFileSync(join(root, SCHEMA_FILE), await gateJsonSchemaText());
const readme = join(root, 'README.md');
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
console.log(`wrote ${SCHEMA_FILE} and the configuration table in README.md`);
