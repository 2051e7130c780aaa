/**
 * `npm run generate`: writes gatekeeper.config.schema.json and the configuration table of docs/reference.md from the
 * schema in config/gate.ts, and the tables of numbered log reasons from src/errors.ts. Run it after changing either;
 * test/config-generated.test.ts and test/log-reasons.test.ts fail until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG_REASONS_FILE, withLogReasonTables } from '../lib/log-reasons';
import { CONFIG_TABLE_FILE, gateJsonSchemaText, SCHEMA_FILE, withConfigTable } from './json-schema';

const root = resolve(import.meta.dirname, '..');
writeFileSync(join(root, SCHEMA_FILE), await gateJsonSchemaText());
const page = join(root, CONFIG_TABLE_FILE);
writeFileSync(page, withConfigTable(readFileSync(page, 'utf8')));
const reasons = join(root, LOG_REASONS_FILE);
writeFileSync(reasons, withLogReasonTables(readFileSync(reasons, 'utf8')));
console.log(
  `wrote ${SCHEMA_FILE}, the configuration table in ${CONFIG_TABLE_FILE} and the numbered reasons in ${LOG_REASONS_FILE}`,
);
