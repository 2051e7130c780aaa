#!/usr/bin/env node
// The CLI runs from the TypeScript sources through tsx (a dependency of the project), so there is no
// separate CLI build to keep in step with the gate.
import { register } from 'tsx/esm/api';

register();
const { main, stdio } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), stdio);
