#!/usr/bin/env node
// The CLI runs from the TypeScript sources through tsx (a dependency of the project), so there is no
// separate CLI build to keep in step with the gate. Both loaders: cli/main.ts is required as CommonJS
// and imports each command module dynamically.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCjs();
registerEsm();
const { createRequire } = await import('node:module');
const require = createRequire(import.meta.url);
const { main, stdio } = require('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), stdio);
