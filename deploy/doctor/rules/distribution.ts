/** Distribution-wide settings: IPv6 against IP-bound sessions, custom error responses, access logs. */
import { defineRule, type Report } from '../rule';

export const ipv6WithIpBinding = defineRule({
  code: 'IPV6_WITH_IP_BINDING',
  severity: 'warning',
  summary:
    "IPv6 is reported only where sessions are IP-bound by CloudFront's signed-policy IpAddress alone (IPv4 only): a warning with login.bindIp always, info with optional",
  why: "CloudFront's signed-policy IpAddress condition holds IPv4 addresses only, and AWS advises against IPv6 with IP-bound policies (docs/platform.md#signed-urls-and-cookies). The sessions are bound to the viewer IP by that condition alone (the tenant token carries no address), so the session of a viewer arriving over IPv6 cannot be IP-bound. Link tokens are not affected: the gate checks their cip claim itself, IPv4 or IPv6.",
  fix: 'Nothing to do if IPv6 sessions may go unbound. If every session must be IP-bound, set IsIPV6Enabled to false; or stop binding sessions (login.bindIp never).',
  check(context) {
    const binding = context.expectations.ipBinding;
    if (binding === false || context.config.IsIPV6Enabled !== true) return [];
    return [
      {
        what:
          binding === 'always'
            ? 'IsIPV6Enabled is true while every session is bound to the viewer IP through the signed cookies (login.bindIp always)'
            : 'IsIPV6Enabled is true while a session asked to be bound to the viewer IP is bound through the signed cookies (login.bindIp optional)',
        severity: binding === 'always' ? 'warning' : 'info',
      },
    ];
  },
});

function errorResponses(context: Parameters<typeof ipv6WithIpBinding.check>[0]) {
  return (context.config.CustomErrorResponses?.Items ?? []).filter((r) => r.ErrorCode === 401 || r.ErrorCode === 403);
}

export const errorCachingTooLong = defineRule({
  code: 'ERROR_CACHING_TOO_LONG',
  severity: 'warning',
  summary: 'refusals (401/403) are not cached longer than a token lives',
  why: 'A refusal from the origin stays cached for the whole distribution well after the cause is gone (the file is uploaded, access is granted): users keep getting it with fresh tokens.',
  fix: 'Lower ErrorCachingMinTTL for 401/403 to a few seconds (at most the token lifetime).',
  check(context) {
    const reports: Report[] = [];
    const lifetime = context.expectations.tokenLifetimeSeconds;
    for (const r of errorResponses(context)) {
      // Error responses are cached 10 s when not set (docs/platform.md#custom-error-responses-and-limits).
      if ((r.ErrorCachingMinTTL ?? 10) > lifetime) {
        reports.push({
          what: `custom error response ${r.ErrorCode} caches for ${r.ErrorCachingMinTTL}s, longer than a token lives (${lifetime}s)`,
          fix: `Lower ErrorCachingMinTTL for ${r.ErrorCode} to a few seconds (at most the token lifetime).`,
        });
      }
    }
    return reports;
  },
});

export const errorPageMasksRefusal = defineRule({
  code: 'ERROR_PAGE_MASKS_REFUSAL',
  severity: 'warning',
  summary: 'no custom error response turns a refusal (401/403) into a success page',
  why: 'Custom error responses apply to every behavior: a refused or missing tenant file (S3 answers 403 for a missing key when CloudFront may not list the bucket) becomes a success page, so clients, scripts and monitoring cannot see refusals and a download saves HTML.',
  fix: 'Serve the SPA fallback from the SPA origin itself (a CloudFront Function on the default behavior that rewrites extension-less paths to /index.html), and drop the 403→200 rule.',
  check(context) {
    return errorResponses(context)
      .filter((r) => r.ResponseCode !== undefined && r.ResponseCode !== '' && !r.ResponseCode.startsWith('4'))
      .map((r) => ({
        what: `custom error response turns ${r.ErrorCode} into ${r.ResponseCode} ${r.ResponsePagePath ?? ''}`.trimEnd(),
        why: `Custom error responses apply to every behavior: a refused or missing tenant file (S3 answers 403 for a missing key when CloudFront may not list the bucket) becomes a ${r.ResponseCode} page, so clients, scripts and monitoring cannot see refusals and a download saves HTML.`,
      }));
  },
});

export const logsIncludeCookies = defineRule({
  code: 'LOGS_INCLUDE_COOKIES',
  severity: 'error',
  summary: 'the access logs do not record cookies (they would record every credential)',
  why: "With IncludeCookies, CloudFront's standard logs record every request's cookies, whatever the behaviors forward (docs/platform.md#access-logs): the tenant token and the CloudFront signed cookies, bearer credentials for their whole lifetime, land in the log bucket in clear, for anyone who can read it to replay.",
  fix: 'Set Logging.IncludeCookies to false. If a cookie must be analysed, use standard logging (v2) or real-time logs with a field list that leaves out cs(Cookie).',
  check(context) {
    const logging = context.config.Logging;
    if (logging?.Enabled !== true || logging.IncludeCookies !== true) return [];
    return [
      { what: `standard logs to ${logging.Bucket ?? 'a bucket'} include cookies (Logging.IncludeCookies is true)` },
    ];
  },
});
