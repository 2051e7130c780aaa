/**
 * The `scopes` section of gatekeeper.config.json (path scopes inside a tenant, issue 13), and the login's
 * `claimMapping`, which carries the claims the rules read from the identity token into the tenant token.
 * The rules themselves are applied by src/scopes.ts, at the edge and in the login alike.
 */
import { z } from 'zod';
import { MAX_SCOPE_VALUE_LENGTH, MAX_SCOPE_VALUES, SUB_SEGMENT } from '../src/scopes';
import { matching, oneOf, SEGMENT, shown, strictObject } from './fields';

/** Most rules in one configuration: each is checked on every request. */
export const MAX_SCOPE_RULES = 50;

/**
 * A claim of the tenant token a rule may read: a plain name (it is also a property name in the edge code),
 * never one the gate itself reads, never a member every object inherits (`constructor`, `toString` …).
 */
const CLAIM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** The claims the tenant tokens already use (src/token.ts, login/tenant-token.ts), besides the tenant claim. */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'pth', 'cip'];

function claimName(what: string) {
  return matching(CLAIM_NAME, `must be ${what}: a letter, then up to 63 letters, digits or "_"`).superRefine(
    (name, ctx) => {
      if (name in Object.prototype)
        ctx.addIssue({ code: 'custom', message: `${shown(name)} is a member of every JavaScript object` });
    },
  );
}

/** `/files/users/{sub}/`: plain segments and at most one whole `{sub}` segment, ending with `/`. */
const RULE_PATH = new RegExp(`^/(?:(?:${SEGMENT}|\\{sub\\})/)+$`);

const scopeValue = matching(
  new RegExp(`^[^\\x00-\\x1f\\x7f]{1,${MAX_SCOPE_VALUE_LENGTH}}$`),
  `must be 1 to ${MAX_SCOPE_VALUE_LENGTH} characters, no control character`,
);

const rule = strictObject({
  path: matching(
    RULE_PATH,
    'must start and end with "/" and hold plain segments or one whole "{sub}" segment, e.g. "/files/users/{sub}/"',
  )
    .refine((path) => path.split(SUB_SEGMENT).length <= 2, '"{sub}" may appear once')
    .describe('A folder under pathPrefix, ending with "/"; "{sub}" as a whole segment is the owner\'s folder.'),
  claim: claimName('a claim name')
    .optional()
    .describe(
      'A tenant-token claim (an array of strings, e.g. roles) that opens the folder when it holds a value of anyOf.',
    ),
  anyOf: z
    .array(scopeValue, { error: 'must be an array of strings' })
    .min(1, 'must hold at least one value')
    .max(MAX_SCOPE_VALUES, `must hold at most ${MAX_SCOPE_VALUES} values`)
    .optional()
    .describe('The claim values that open the folder (any one of them).'),
})
  .superRefine((value, ctx) => {
    if ((value.claim === undefined) !== (value.anyOf === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.claim === undefined ? 'claim' : 'anyOf'],
        message: 'claim and anyOf go together: give both or neither',
      });
    }
  })
  .meta({ dependentRequired: { claim: ['anyOf'], anyOf: ['claim'] } });

/** A regular expression matching every path a rule's pattern matches, `{sub}` standing for any segment. */
function patternMatcher(path: string): RegExp {
  return new RegExp(
    '^' +
      path
        .split(SUB_SEGMENT)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+'),
  );
}

export const scopesSchema = strictObject({
  rules: z
    .array(rule, { error: 'must be an array of rules' })
    .min(1, 'must hold at least one rule (remove scopes for none)')
    .max(MAX_SCOPE_RULES, `must hold at most ${MAX_SCOPE_RULES} rules`)
    .superRefine((rules, ctx) => {
      // First matching rule wins: a rule every path of which an earlier rule already decides can never apply.
      rules.forEach((later, j) => {
        const earlier = rules.findIndex((first, i) => i < j && patternMatcher(first.path).test(later.path));
        if (earlier !== -1) {
          ctx.addIssue({
            code: 'custom',
            path: [j, 'path'],
            message: `never applies: rules[${earlier}] (${shown(rules[earlier]!.path)}) comes first and covers every path it covers`,
          });
        }
      });
    })
    .describe('Ordered: the first rule whose path the request is under decides.'),
  default: oneOf(['allow', 'deny'])
    .default('allow')
    .describe('Paths no rule covers: "allow" (tenant-wide, as without scopes) or "deny".'),
}).describe(
  'Path scopes inside a tenant: which folders under pathPrefix a credential opens, by its sub ({sub} folders) or a claim.',
);

export type ScopesInput = z.output<typeof scopesSchema>;

/**
 * The login's claim mapping: identity-token claim → tenant-token claim. `sub` may be a target (e.g. a user
 * name instead of an opaque id names the per-user folders); other targets are the claims the rules read.
 */
export const claimMappingSchema = z
  .record(
    matching(/^[\x21-\x7e]{1,256}$/, 'an identity claim name: 1 to 256 printable ASCII characters'),
    claimName('a tenant-token claim name'),
    { error: 'must be an object: { "<identity claim>": "<tenant-token claim>" }' },
  )
  .default(() => ({}))
  .describe(
    'Identity-token claim → tenant-token claim, e.g. { "cognito:groups": "roles" }: what the scope rules read. ' +
      'Only values some rule names are carried; a string becomes a one-value list.',
  );

/** The fields of the configuration the scope checks need. */
export interface GateFieldsForScopes {
  pathPrefix: string;
  tenantClaim: string;
  scopes?: ScopesInput | undefined;
  login?: { claimMapping: Record<string, string> } | undefined;
}

/** The checks that need other fields: under pathPrefix, no reserved claim, every claim carried by the login. */
export function checkScopesAgainstGate(config: GateFieldsForScopes, ctx: z.RefinementCtx): void {
  const reserved = [...RESERVED_CLAIMS, config.tenantClaim];
  const scopes = config.scopes;
  const read = new Set<string>();
  scopes?.rules.forEach((rule, i) => {
    if (!rule.path.startsWith(config.pathPrefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopes', 'rules', i, 'path'],
        message: `must be under pathPrefix ${shown(config.pathPrefix)}`,
      });
    }
    if (rule.claim === undefined) return;
    read.add(rule.claim);
    if (reserved.includes(rule.claim)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopes', 'rules', i, 'claim'],
        message: `${shown(rule.claim)} is a claim the gate reads itself${rule.claim === 'sub' ? ': use a {sub} folder' : ''}`,
      });
    }
  });
  const login = config.login;
  if (login === undefined) return;
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(login.claimMapping)) {
    const at = ['login', 'claimMapping', from];
    if (targets.has(to)) {
      ctx.addIssue({
        code: 'custom',
        path: at,
        message: `${shown(to)} is already mapped from ${shown(targets.get(to))}`,
      });
    } else if (to !== 'sub' && reserved.includes(to)) {
      ctx.addIssue({ code: 'custom', path: at, message: `${shown(to)} is a claim the login writes itself` });
    } else if (to !== 'sub' && !read.has(to)) {
      ctx.addIssue({ code: 'custom', path: at, message: `no scope rule reads ${shown(to)}: it would carry nothing` });
    }
    targets.set(to, from);
  }
  for (const claim of read) {
    if (!targets.has(claim)) {
      ctx.addIssue({
        code: 'custom',
        path: ['login', 'claimMapping'],
        message: `must map an identity claim to ${shown(claim)}, which scopes.rules read: else no session carries it`,
      });
    }
  }
}
