/** Every `tenant-gate` sub-command, in the order `--help` lists them. One file per command beside this one. */
import type { Command } from '../command';
import { command as attach } from './attach';
import { command as cleanup } from './cleanup';
import { command as detach } from './detach';
import { command as doctor } from './doctor';
import { command as grant } from './grant';
import { command as keys } from './keys';
import { command as kvs } from './kvs';
import { command as revoke } from './revoke';
import { command as rollback } from './rollback';
import { command as signCookies } from './sign-cookies';
import { command as signUrl } from './sign-url';
import { command as tenants } from './tenants';
import { command as token } from './token';
import { command as verify } from './verify';

export const COMMANDS: readonly Command[] = [
  keys,
  token,
  grant,
  signUrl,
  signCookies,
  verify,
  doctor,
  attach,
  detach,
  rollback,
  cleanup,
  kvs,
  tenants,
  revoke,
];
