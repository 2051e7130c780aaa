/** The gate itself: present, at viewer-request, on every gated behavior, and not bypassed by an earlier behavior. */
import { edgeAssociationsOf, isOurs, isViewerEvent, patternsOverlap, type EdgeAssociation } from '../../attach';
import { labelOf } from '../context';
import { defineRule, type Report } from '../rule';

export const viewerFunctionsMixed = defineRule({
  code: 'VIEWER_FUNCTIONS_MIXED',
  severity: 'error',
  summary: 'no behavior has both a CloudFront Function and a Lambda@Edge function on viewer events',
  why: 'CloudFront does not allow combining the two kinds on viewer-request/viewer-response of one behavior; the next update of this distribution is rejected, and whichever tool wrote it may have dropped the gate to get through.',
  fix: 'Keep one kind on the viewer events: move the other function to origin-request/origin-response, or port it to the same kind as the gate.',
  check(context) {
    const reports: Report[] = [];
    // docs/platform.md#cloudfront-functions-runtime: the two kinds cannot share the viewer events of a behavior.
    for (const { label, behavior } of context.behaviors) {
      const viewer = edgeAssociationsOf(behavior).filter((a) => isViewerEvent(a.eventType));
      if (viewer.some((a) => a.kind === 'lambda-edge') && viewer.some((a) => a.kind === 'cloudfront-function')) {
        reports.push({
          what: `${label} has both a CloudFront Function and a Lambda@Edge function on viewer events (${viewer.map((a) => `${a.eventType}: ${a.arn}`).join('; ')})`,
        });
      }
    }
    return reports;
  },
});

export const gatedBehaviorMissing = defineRule({
  code: 'GATED_BEHAVIOR_MISSING',
  severity: 'error',
  summary: 'every gated path pattern has a cache behavior',
  why: 'Requests for the gated paths fall through to another behavior (in the end the default one) which does not run the gate: files are served without checking the tenant token, or from the wrong origin.',
  fix: 'Create the behavior for the files origin and attach the gate (tenant-gate attach).',
  check(context) {
    return context.expectations.gatedPathPatterns
      .filter((pattern) => context.find(pattern) === undefined)
      .map((pattern) => ({
        what: `no cache behavior with path pattern ${pattern}`,
        why: `Requests for ${pattern} fall through to another behavior (in the end the default one) which does not run the gate: files are served without checking the tenant token, or from the wrong origin.`,
        fix: `Create a ${pattern} behavior for the files origin and attach the gate (tenant-gate attach).`,
      }));
  },
});

function wrongEventWhy(a: EdgeAssociation): string {
  if (a.eventType === 'origin-request') {
    return 'Origin-request does not run on a cache hit, and the cache key is computed after viewer-request: a file cached for one tenant is served to any other viewer asking for the same URL (cross-tenant leak), and the rewrite to /tenants/<tenant>/ no longer separates the cache entries.';
  }
  return `${a.eventType} runs after the object was fetched or taken from the cache: it cannot stop a request or choose the tenant prefix, so files are served without authorization.`;
}

export const gateWrongEvent = defineRule({
  code: 'GATE_WRONG_EVENT',
  severity: 'error',
  summary: 'the gate runs at viewer-request, not at another event',
  why: 'Only viewer-request runs before the cache key is computed and on every request.',
  fix: 'Attach the gate at viewer-request and remove it from other events (tenant-gate attach does both).',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      for (const a of edgeAssociationsOf(behavior)) {
        if (isOurs(a.arn, context.marker) && a.eventType !== 'viewer-request')
          reports.push({ what: `${label}: ${a.arn} is attached at ${a.eventType}`, why: wrongEventWhy(a) });
      }
    }
    return reports;
  },
});

export const gateMissing = defineRule({
  code: 'GATE_MISSING',
  severity: 'error',
  summary: 'every gated behavior runs the tenant gate',
  why: 'Without the gate every file of every tenant is served to anyone. Associations disappear silently: another stack deploying the distribution, or a console edit, writes the behavior back without them.',
  fix: 'Re-attach (tenant-gate attach), and make the stack that owns the distribution declare the association, or run the doctor after each deploy.',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      const assocs = edgeAssociationsOf(behavior);
      if (assocs.some((a) => isOurs(a.arn, context.marker))) continue;
      const vr = assocs.find((a) => a.eventType === 'viewer-request');
      reports.push({
        what: `${label} has no tenant gate association${vr === undefined ? '' : ` (viewer-request runs ${vr.arn} instead)`}`,
      });
    }
    return reports;
  },
});

export const gateShadowed = defineRule({
  code: 'GATE_SHADOWED',
  severity: 'error',
  summary: 'no earlier ungated behavior matches some of the gated paths',
  why: 'CloudFront uses the first behavior whose pattern matches: those requests skip the gate.',
  fix: 'Move the gated behavior above the earlier one, narrow the earlier one, or gate it too.',
  check(context) {
    const reports: Report[] = [];
    for (const { pattern, index } of context.gated) {
      if (pattern === '*') continue;
      for (const earlier of context.behaviors.slice(0, index)) {
        if (patternsOverlap(earlier.pattern, pattern) && !context.gateOn(earlier.behavior)) {
          reports.push({
            what: `behavior ${earlier.pattern} comes before ${pattern} and matches some of the same paths, without the gate`,
            fix: `Move ${pattern} above ${earlier.pattern}, narrow ${earlier.pattern}, or gate ${earlier.pattern} too.`,
          });
        }
      }
    }
    return reports;
  },
});

export const ungatedRouteToFilesOrigin = defineRule({
  code: 'UNGATED_ROUTE_TO_FILES_ORIGIN',
  severity: 'error',
  summary: 'no ungated behavior reaches the files origin',
  why: 'Tenant files live under /tenants/<tenant>/… in that origin; a request through an ungated behavior is served without checking any token.',
  fix: 'Point the behavior at another origin (or an OriginPath outside /tenants), or gate it.',
  check(context) {
    const reports: Report[] = [];
    const gatedPatterns = new Set(context.expectations.gatedPathPatterns);
    for (const { pattern, behavior } of context.behaviors) {
      if (gatedPatterns.has(pattern) || context.gateOn(behavior)) continue;
      for (const o of context.originsOf(behavior)) {
        const exposes = context.gatedOrigins.some(
          (g) => g.DomainName === o.DomainName && (g.OriginPath ?? '').startsWith(o.OriginPath ?? ''),
        );
        if (exposes) {
          reports.push({
            what: `${labelOf(pattern)} reaches the files origin ${o.DomainName}${o.OriginPath ? o.OriginPath : ''} without the gate`,
            why: `Tenant files live under /tenants/<tenant>/… in that origin; a request such as /tenants/<other-tenant>/files/x through ${labelOf(pattern)} is served without checking any token.`,
            fix: `Point ${labelOf(pattern)} at another origin (or an OriginPath outside /tenants), or gate it.`,
          });
          break;
        }
      }
    }
    return reports;
  },
});
