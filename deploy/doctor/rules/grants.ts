/**
 * Folder grants (config `grants`, issue 14): their own behavior, gated, without any CloudFront signature
 * requirement; and where their token ends up (the viewer path, so the standard logs).
 */
import { labelOf } from '../context';
import { defineRule, type Report } from '../rule';

export const grantsBehaviorMissing = defineRule({
  code: 'GRANTS_BEHAVIOR_MISSING',
  severity: 'error',
  summary:
    'with grants configured, the grants behavior (<grants.pathPrefix>*) exists and runs the gate at viewer-request',
  why: 'A grant URL (/grants/<token>/…) must reach the gate, which checks the grant and rewrites the path into the tenant prefix. Without the behavior the request falls to another one (the SPA, or the default) and no grant works; without the gate the behavior would serve whatever its origin holds under the raw path.',
  fix: 'Run tenant-gate attach with --config (or --grants-path-pattern): it creates the behavior from the gated one and attaches the gate.',
  check(context) {
    const pattern = context.expectations.grantsPathPattern;
    if (pattern === undefined) return [];
    const entry = context.find(pattern);
    if (entry === undefined) return [{ what: `no cache behavior ${pattern} for the folder grants` }];
    if (!context.gateOn(entry.behavior))
      return [{ what: `${labelOf(pattern)} does not run the gate at viewer-request` }];
    return [];
  },
});

export const grantsSignatureRequired = defineRule({
  code: 'GRANTS_SIGNATURE_REQUIRED',
  severity: 'error',
  summary: 'the grants behavior requires no CloudFront signature (no trusted key group, no trusted signers)',
  why: 'A grant viewer carries no CloudFront signed cookie or signed URL (the grant is in the path, and the viewer may have no session at all): CloudFront would answer 403 to every grant before the gate runs (docs/platform.md#signed-urls-and-cookies). The gate checks every grant request itself.',
  fix: 'Remove the trusted key groups and trusted signers from the grants behavior (tenant-gate attach removes the stack’s own).',
  check(context) {
    const pattern = context.expectations.grantsPathPattern;
    const entry = pattern === undefined ? undefined : context.find(pattern);
    if (entry === undefined) return [];
    const reports: Report[] = [];
    if (entry.behavior.TrustedKeyGroups?.Enabled === true)
      reports.push({
        what: `${labelOf(entry.pattern)} trusts key groups ${(entry.behavior.TrustedKeyGroups.Items ?? []).join(', ')}`,
      });
    if (entry.behavior.TrustedSigners?.Enabled === true)
      reports.push({ what: `${labelOf(entry.pattern)} has trusted signers enabled` });
    return reports;
  },
});

export const grantsTokenLogged = defineRule({
  code: 'GRANTS_TOKEN_LOGGED',
  severity: 'warning',
  summary: "with grants configured, standard logs are off (each grant URL's path carries its token)",
  why: 'Standard logs record every request path (cs-uri-stem), and a grant path holds the grant itself: anyone who can read the log bucket can replay a live grant, from any address unless it is bound (docs/platform.md#access-logs).',
  fix: 'Use standard logging (v2) or real-time logs with a field list that leaves out cs-uri-stem, or keep grants short and IP-bound and the log bucket as closed as the files.',
  check(context) {
    const logging = context.config.Logging;
    if (context.expectations.grantsPathPattern === undefined || logging?.Enabled !== true) return [];
    return [{ what: `standard logs to ${logging.Bucket ?? 'a bucket'} record grant URLs, token included` }];
  },
});
