'use strict';
/**
 * Serverless v3 (osls) plugin: the glue between the stack and the EXISTING distribution.
 *
 * - package (offline, no AWS call): put the built CloudFront Function script into the template, and check it; refuse
 *   a Lambda runtime past its block-create date, warn within 90 days of its deprecation (deploy/lambda-runtimes.ts).
 * - before deploy: the same runtime check; for a key-value-store build, find or create the store `tenant-gate-<stage>`
 *   outside the stack, put the config's HS256 keys in it (so the function can verify the test tokens, and viewers'
 *   tokens, the moment it is published) and pass its ARN as the stack parameter.
 * - after deploy: TestFunction on the CloudFront Function's DEVELOPMENT stage with the publish cases, PublishFunction
 *   only when every verdict matches (deploy/publish-function.ts); then attach the gate to
 *   `custom.tenantGate.distributionId` with the stack's outputs, through the same code as `tenant-gate attach`
 *   (GetDistributionConfig → pure transform → UpdateDistribution with IfMatch, retried on PreconditionFailed).
 * - after `serverless rollback -t …`: `tenant-gate rollback` (the previous gate back on the distribution).
 * - before remove: detach (CloudFormation cannot delete a function, key group or response headers policy a
 *   distribution still uses), wait until the distribution has deployed the change, then let the stack go.
 *   Lambda@Edge is retained (replicas live on for hours); the command prints how to delete it later.
 *
 * The TypeScript modules are loaded through tsx (a dependency of the project), only when a hook needs them.
 */
const { readFileSync } = require('node:fs');

const CF_FUNCTION_LOGICAL_ID = 'TenantGateViewerFunction';
const GATES = ['lambda-edge', 'cloudfront-function'];

let tsxRegistered = false;
function requireTs(path) {
  if (!tsxRegistered) {
    require('tsx/cjs/api').register();
    tsxRegistered = true;
  }
  return require(path);
}

class TenantGatePlugin {
  constructor(serverless, options, { log, progress } = {}) {
    this.serverless = serverless;
    this.options = options;
    this.provider = serverless.getProvider('aws');
    this.log = log ?? {
      notice: console.log,
      warning: console.warn,
      info: console.log,
      error: console.error,
      success: console.log,
    };
    this.progress = progress;
    /** Runs a `tenant-gate` command in process; replaceable in tests. */
    this.runCommand = (name, argv, io) => requireTs(`../cli/commands/${name}.ts`).command.run(argv, io);
    /** TypeScript modules of deploy/, loaded through tsx; replaceable in tests. */
    this.module = (name) => requireTs(`./${name}.ts`);
    /** The clock the runtime check reads; replaceable in tests. */
    this.now = () => Date.now();
    /** Whether progress may redraw a line in place (osls's own spinner); replaceable in tests. */
    this.isTerminal = () => process.stdout.isTTY === true;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        this.checkStage();
        this.insertCloudFrontFunctionCode();
        this.checkLoginSecrets();
        this.checkRuntimes();
      },
      // Synchronous checks first, so a refused setting throws before anything reaches AWS.
      'before:deploy:deploy': () => {
        this.checkDeploySettings();
        this.checkRuntimes();
        return this.rememberPreviousOutputs().then(() => this.prepareKeyValueStore());
      },
      'after:deploy:deploy': async () => {
        await this.testThenPublish();
        await this.attach();
      },
      'after:rollback:rollback': () => this.rollback(),
      'before:remove:remove': () => this.detach(),
      'after:remove:remove': () => this.explainRetained(),
    };
  }

  settings() {
    const s = this.serverless.service.custom?.tenantGate ?? {};
    return {
      distributionId: s.distributionId ?? '',
      gate: s.gate ?? 'lambda-edge',
      pathPatterns: Array.isArray(s.pathPatterns) ? s.pathPatterns : [],
      authPathPattern: s.authPathPattern ?? requireTs('../lib/auth-path.ts').AUTH_PATH_PATTERN,
    };
  }

  stage() {
    return this.provider.getStage();
  }

  // --- package ------------------------------------------------------------------------------------------------

  /** The manifest was built from one stage's config and keys; packaging it into another stage would mix them. */
  checkStage() {
    const { readManifest } = require('./serverless-vars.cjs');
    const built = readManifest().stage;
    if (built !== this.stage()) {
      throw new this.serverless.classes.Error(
        `tenant-gate: the artifacts were built for stage "${built}", this is stage "${this.stage()}"; run STAGE=${this.stage()} npm run package (or deploy)`,
      );
    }
  }

  insertCloudFrontFunctionCode() {
    const { readManifest } = require('./serverless-vars.cjs');
    const manifest = readManifest();
    let code;
    try {
      code = readFileSync(manifest.cloudFrontFunction.file, 'utf8');
    } catch (error) {
      throw new this.serverless.classes.Error(
        `tenant-gate: cannot read the built CloudFront Function ${manifest.cloudFrontFunction.file} (${error.message}); run \`npm run package\`, which builds first`,
      );
    }
    const size = Buffer.byteLength(code);
    const { CLOUDFRONT_FUNCTION_MAX_BYTES: CF_FUNCTION_MAX_BYTES } = requireTs('../lib/cloudfront-limits.ts');
    if (size > CF_FUNCTION_MAX_BYTES) {
      throw new this.serverless.classes.Error(
        `tenant-gate: the CloudFront Function is ${size} bytes, over CloudFront's ${CF_FUNCTION_MAX_BYTES}-byte limit`,
      );
    }
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const resource = template.Resources[CF_FUNCTION_LOGICAL_ID];
    if (resource === undefined)
      throw new this.serverless.classes.Error(`tenant-gate: serverless.yml declares no ${CF_FUNCTION_LOGICAL_ID}`);
    resource.Properties.FunctionCode = code;
  }

  /** The login role may read `/tenant-gate/<stage>/*` only (serverless.yml): a secret elsewhere fails at run time. */
  checkLoginSecrets() {
    const { readManifest } = require('./serverless-vars.cjs');
    const { loginSecrets } = readManifest();
    const stage = this.stage();
    const wrong = [
      ...loginSecrets.ssmParameters
        .filter((n) => !n.startsWith(`/tenant-gate/${stage}/`))
        .map((n) => `SSM parameter ${n} (must start with /tenant-gate/${stage}/)`),
      ...loginSecrets.secretsManagerSecrets
        .filter((n) => !n.startsWith(`tenant-gate/${stage}/`))
        .map((n) => `secret ${n} (must start with tenant-gate/${stage}/)`),
    ];
    if (wrong.length > 0) {
      throw new this.serverless.classes.Error(
        `tenant-gate: the login function of stage ${stage} may not read ${wrong.join(', ')}; rename them in login.secrets`,
      );
    }
    for (const file of loginSecrets.files) {
      this.log.warning(
        `tenant-gate: login.secrets names the file ${file}; a deployed Lambda has no such file, use { "ssmParameter": "/tenant-gate/${stage}/…" }`,
      );
    }
  }

  // --- deploy -------------------------------------------------------------------------------------------------

  checkDeploySettings() {
    const s = this.settings();
    if (!/^E[A-Z0-9]{5,20}$/.test(s.distributionId)) {
      throw new this.serverless.classes.Error(
        `tenant-gate: custom.tenantGate.distributionId must be the id of the distribution to attach to (set TENANT_GATE_DISTRIBUTION_ID), got "${s.distributionId}"`,
      );
    }
    if (!GATES.includes(s.gate))
      throw new this.serverless.classes.Error(
        `tenant-gate: custom.tenantGate.gate must be one of ${GATES.join(', ')}, got "${s.gate}"`,
      );
    if (s.pathPatterns.length === 0)
      throw new this.serverless.classes.Error('tenant-gate: custom.tenantGate.pathPatterns is empty');
    const { AUTH_PATH_PATTERN } = requireTs('../lib/auth-path.ts');
    if (s.authPathPattern !== AUTH_PATH_PATTERN)
      throw new this.serverless.classes.Error(
        `tenant-gate: custom.tenantGate.authPathPattern must be ${AUTH_PATH_PATTERN}, where the login serves its routes, got "${s.authPathPattern}"`,
      );
    const { readManifest } = require('./serverless-vars.cjs');
    const manifest = readManifest();
    if (manifest.requireSignatures && manifest.cloudFrontKeys === null) {
      throw new this.serverless.classes.Error(
        `tenant-gate: the gate config has login.cloudfront but cloudfront-keys/${this.stage()}/ holds no public key; publish the key first (docs/deploy.md, "Signed cookies")`,
      );
    }
    // config/distribution-tenant.ts: the Lambda@Edge event names no distribution tenant.
    if (manifest.distributionTenantParameter && s.gate !== 'cloudfront-function') {
      throw new this.serverless.classes.Error(
        'tenant-gate: distributionTenant needs the CloudFront Function gate (custom.tenantGate.gate: cloudfront-function): AWS documents no distribution tenant in the Lambda@Edge event',
      );
    }
    if (manifest.loginSecrets.files.length > 0) {
      throw new this.serverless.classes.Error(
        `tenant-gate: login.secrets reads ${manifest.loginSecrets.files.join(', ')} from files, which a deployed Lambda does not have; use SSM parameters under /tenant-gate/${this.stage()}/ (docs/deploy.md)`,
      );
    }
  }

  async stackOutputs() {
    const answer = await this.provider.request('CloudFormation', 'describeStacks', {
      StackName: this.provider.naming.getStackName(),
    });
    const outputs = {};
    for (const o of answer.Stacks?.[0]?.Outputs ?? []) outputs[o.OutputKey] = o.OutputValue;
    return outputs;
  }

  /** An io for the CLI commands that writes through Serverless's logger and keeps the text for errors. */
  /**
   * Where the long waits of the commands it runs report (cli/progress.ts): on a terminal, one osls progress item whose
   * text is rewritten (osls draws the spinner); otherwise one log line per state change. Never an error line: those
   * are what a failed command is reported with.
   */
  progressSink() {
    const line = (text) => this.log.notice(`tenant-gate: ${text}`);
    if (this.progress === undefined || !this.isTerminal()) return { line };
    let item;
    return {
      line,
      status: (text) => {
        if (item === undefined) item = this.progress.create({ message: `tenant-gate: ${text}` });
        else item.update(`tenant-gate: ${text}`);
      },
      clear: () => {
        item?.remove();
        item = undefined;
      },
    };
  }

  io() {
    const lines = [];
    return {
      lines,
      io: {
        progress: this.progressSink(),
        cwd: this.serverless.serviceDir ?? process.cwd(),
        out: (text) => {
          for (const line of text.trimEnd().split('\n')) this.log.notice(line);
        },
        err: (text) => {
          lines.push(text);
          for (const line of text.trimEnd().split('\n')) this.log.error(line);
        },
      },
    };
  }

  /** `pathPatterns`: the gated behaviors, when not the manifest's (a rollback passes the rolled-back stack's). */
  async attach(pathPatterns) {
    const s = this.settings();
    const outputs = await this.stackOutputs();
    const arn =
      s.gate === 'lambda-edge'
        ? outputs.ViewerRequestLambdaFunctionQualifiedArn
        : outputs.TenantGateCloudFrontFunctionArn;
    const url = outputs.LoginLambdaFunctionUrl;
    if (arn === undefined || url === undefined) {
      throw new this.serverless.classes.Error(
        'tenant-gate: the stack has no gate ARN or login function URL output; was it deployed from this serverless.yml?',
      );
    }
    const argv = [
      '--distribution-id',
      s.distributionId,
      '--gate',
      s.gate,
      '--arn',
      arn,
      '--auth-origin',
      new URL(url).host,
      '--auth-path',
      s.authPathPattern,
    ];
    for (const p of pathPatterns ?? s.pathPatterns) argv.push('--path-pattern', p);
    if (outputs.TenantGateLoginOriginAccessControlId)
      argv.push('--auth-oac', outputs.TenantGateLoginOriginAccessControlId);
    // Forwards CloudFront-Viewer-Address, which the login binds links to (login.viewerIpSource); never Host.
    if (outputs.TenantGateLoginOriginRequestPolicyId)
      argv.push('--auth-origin-request-policy', outputs.TenantGateLoginOriginRequestPolicyId);
    // Keeps gated files private in browsers (a second user of the same browser must not see the first one's copy).
    if (outputs.TenantGatePrivateFilesHeadersPolicyId)
      argv.push('--response-headers-policy', outputs.TenantGatePrivateFilesHeadersPolicyId);
    // Require signatures only once the login issues them (login.cloudfront), or CloudFront refuses every viewer.
    const { readManifest } = require('./serverless-vars.cjs');
    if (readManifest().distributionTenantParameter)
      argv.push('--tenant-parameter', readManifest().distributionTenantParameter);
    if (readManifest().distributionTenantDomainParameter)
      argv.push('--domain-parameter', readManifest().distributionTenantDomainParameter);
    if (readManifest().requireSignatures) {
      if (!outputs.TenantGateKeyGroupId)
        throw new this.serverless.classes.Error('tenant-gate: login.cloudfront is set but the stack has no key group');
      argv.push('--key-group', outputs.TenantGateKeyGroupId);
    }
    // Folder grants (config grants): their own behavior, gated, without the key group (deploy/attach.ts plan.grants).
    const grants = readManifest().grantsPathPattern;
    if (grants) argv.push('--grants-path-pattern', grants);
    // What the stack owns besides what it wants now (the previous deploy's ids, the key group while signed cookies are
    // off): attach takes them off the behaviors that no longer want them (attach --help, "--owned-*").
    const owned = (flag, key) => {
      const ids = new Set(
        [this.previousOutputs?.[key], outputs[key]].filter((id) => typeof id === 'string' && id !== ''),
      );
      for (const id of ids) argv.push(flag, id);
    };
    owned('--owned-key-group', 'TenantGateKeyGroupId');
    owned('--owned-response-headers-policy', 'TenantGatePrivateFilesHeadersPolicyId');
    owned('--owned-oac', 'TenantGateLoginOriginAccessControlId');
    this.log.notice(`tenant-gate: attaching ${s.gate} ${arn} to distribution ${s.distributionId}`);
    const { io, lines } = this.io();
    const code = await this.runCommand('attach', argv, io);
    if (code !== 0)
      throw new this.serverless.classes.Error(`tenant-gate: attach failed: ${lines.join(' ') || `exit code ${code}`}`);
    this.log.notice(`tenant-gate: check the result with: npx tenant-gate doctor --live ${s.distributionId}`);
  }

  /** The outputs of the stack before this deploy (none on a first deploy): the ids the stack owned until now. */
  async rememberPreviousOutputs() {
    try {
      this.previousOutputs = await this.stackOutputs();
    } catch (error) {
      if (!/does not exist/.test(String(error?.message))) throw error;
      this.previousOutputs = {};
    }
  }

  // --- runtime ------------------------------------------------------------------------------------------------

  /** Every Lambda function of the template against Lambda's runtime dates (docs/platform.md#lambda-runtimes). */
  checkRuntimes() {
    const { checkRuntime } = this.module('lambda-runtimes');
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const refused = [];
    for (const [id, resource] of Object.entries(template?.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const verdict = checkRuntime(String(resource.Properties?.Runtime ?? ''), this.now());
      if (verdict.level === 'refuse') refused.push(`${id}: ${verdict.message}`);
      else if (verdict.level === 'warn') this.log.warning(`tenant-gate: ${id}: ${verdict.message}`);
    }
    if (refused.length > 0)
      throw new this.serverless.classes.Error(`tenant-gate: ${refused.join('; ')} (serverless.yml runtime)`);
  }

  // --- key-value store ----------------------------------------------------------------------------------------

  /** Clients for the AWS APIs the plugin calls directly (not through provider.request); replaceable in tests. */
  clients() {
    const { CloudFrontClient } = require('@aws-sdk/client-cloudfront');
    const { keyValueStoreClient } = this.module('key-value-store-api');
    return { cloudFront: new CloudFrontClient({ region: 'us-east-1' }), keyValueStore: keyValueStoreClient() };
  }

  gateConfig() {
    const { readManifest } = require('./serverless-vars.cjs');
    const { loadConfig } = this.module('../build/artifacts');
    const { resolve } = require('node:path');
    return loadConfig(resolve(this.serverless.serviceDir ?? process.cwd(), readManifest().configFile));
  }

  /**
   * Before the stack deploy: the store exists and holds the config's keys, so the function verifies tokens the moment
   * it is tested and published. Entries already there (other keys, `tenant:*`) are kept.
   */
  async prepareKeyValueStore() {
    const { readManifest, needsKeyValueStore, KVS_PARAMETER } = require('./serverless-vars.cjs');
    if (!needsKeyValueStore(readManifest())) return;
    const { ensureKeyValueStore, keyValueStoreName } = this.module('key-value-store-resource');
    const { putEntries } = this.module('key-value-store-api');
    const { keyEntriesOf } = this.module('key-value-entries');
    const clients = this.clients();
    const name = keyValueStoreName(this.stage());
    const { arn, created } = await ensureKeyValueStore(clients.cloudFront, name);
    const entries = keyEntriesOf(this.gateConfig().keys);
    await putEntries(clients.keyValueStore, arn, entries);
    this.log.notice(
      `tenant-gate: key-value store ${name} ${created ? 'created' : 'reused'} (${arn}); ${entries.map((e) => e.key).join(', ') || 'no HS256 key'} written`,
    );
    const provider = this.serverless.service.provider;
    provider.stackParameters = (provider.stackParameters ?? []).filter((p) => p.ParameterKey !== KVS_PARAMETER);
    provider.stackParameters.push({ ParameterKey: KVS_PARAMETER, ParameterValue: arn });
  }

  // --- publish ------------------------------------------------------------------------------------------------

  /** TestFunction on DEVELOPMENT, then PublishFunction only if every verdict matches; LIVE is untouched otherwise. */
  async testThenPublish() {
    const outputs = await this.stackOutputs();
    const name = outputs.TenantGateCloudFrontFunctionName;
    if (name === undefined)
      throw new this.serverless.classes.Error('tenant-gate: the stack has no TenantGateCloudFrontFunctionName output');
    const { publishCases } = this.module('publish-cases');
    const { testThenPublish, formatVerdicts, PublishError } = this.module('publish-function');
    const cases = await publishCases(this.gateConfig(), Math.floor(this.now() / 1000));
    const { startProgress, systemClock } = requireTs('../cli/progress.ts');
    const sink = this.progressSink();
    const progress = startProgress(`CloudFront Function ${name}`, sink, {
      now: () => this.now(),
      sleep: systemClock.sleep,
    });
    progress.state(`TestFunction on DEVELOPMENT with ${cases.length} cases, then PublishFunction`);
    let outcome;
    try {
      outcome = await testThenPublish(this.clients().cloudFront, name, cases);
    } catch (error) {
      sink.clear?.();
      if (error instanceof PublishError) throw new this.serverless.classes.Error(`tenant-gate: ${error.message}`);
      throw error;
    }
    progress.done(outcome.published ? 'tested and published' : 'tested, LIVE unchanged');
    for (const line of formatVerdicts(outcome.verdicts)) this.log.notice(`tenant-gate: TestFunction ${line}`);
    this.log.notice(
      outcome.published
        ? `tenant-gate: published ${name} (DEVELOPMENT → LIVE)${outcome.keptPrevious ? `; the replaced LIVE code is kept in ${name}-previous for tenant-gate rollback` : ''}`
        : `tenant-gate: ${name} LIVE already runs this code; nothing published`,
    );
  }

  // --- rollback -----------------------------------------------------------------------------------------------

  /**
   * After `serverless rollback -t <timestamp>` put the stack back, put the previous gate back on the edge:
   * - the CloudFront Function: the LIVE code kept at the last publish is republished (the stack rollback only changed
   *   DEVELOPMENT, and CloudFront keeps no code history; deploy/publish-function.ts);
   * - then attach with the rolled-back stack's outputs, its path patterns included (TenantGatePathPatterns): for
   *   Lambda@Edge that is the version of the previous code (the stack's output names it again).
   */
  async rollback() {
    if (!this.options.timestamp) return;
    const s = this.settings();
    const outputs = await this.stackOutputs();
    const name = outputs.TenantGateCloudFrontFunctionName;
    if (name !== undefined) {
      const { rollbackFunction, PublishError } = this.module('publish-function');
      try {
        const { bytes } = await rollbackFunction(this.clients().cloudFront, name);
        this.log.notice(
          `tenant-gate: ${name} LIVE runs the previous code again (${bytes} bytes, from ${name}-previous)`,
        );
      } catch (error) {
        if (!(error instanceof PublishError)) throw error;
        this.log.warning(`tenant-gate: ${error.message}`);
      }
    }
    if (s.distributionId === '') {
      this.log.warning('tenant-gate: custom.tenantGate.distributionId is empty: no gate to re-attach');
      return;
    }
    const patterns = (outputs.TenantGatePathPatterns ?? '').split(',').filter((p) => p !== '');
    await this.attach(patterns.length > 0 ? patterns : undefined);
  }

  // --- remove -------------------------------------------------------------------------------------------------

  async detach() {
    const s = this.settings();
    if (s.distributionId === '') {
      this.log.warning(
        'tenant-gate: custom.tenantGate.distributionId is empty: nothing is detached. If the gate is still attached somewhere, the stack removal fails until you detach it (tenant-gate detach).',
      );
      return;
    }
    let outputs = {};
    try {
      outputs = await this.stackOutputs();
    } catch (error) {
      this.log.warning(`tenant-gate: could not read the stack outputs (${error.message}); detaching by name only`);
    }
    this.retainedFunction = outputs.TenantGateViewerRequestFunctionName ?? `tenant-gate-${this.stage()}-edge-…`;
    const argv = ['--distribution-id', s.distributionId, '--auth-path', s.authPathPattern, '--wait'];
    if (outputs.TenantGateKeyGroupId) argv.push('--key-group', outputs.TenantGateKeyGroupId);
    // The grants behavior is the stack's own (attach made it): it goes with the gate.
    try {
      const grants = require('./serverless-vars.cjs').readManifest().grantsPathPattern;
      if (grants) argv.push('--remove-behavior', grants);
    } catch (error) {
      this.log.warning(`tenant-gate: no package manifest (${error.message}); a grants behavior, if any, stays`);
    }
    // CloudFormation cannot delete the policy while a behavior still uses it.
    if (outputs.TenantGatePrivateFilesHeadersPolicyId)
      argv.push('--response-headers-policy', outputs.TenantGatePrivateFilesHeadersPolicyId);
    this.log.notice(
      `tenant-gate: detaching from distribution ${s.distributionId} (and waiting until CloudFront has deployed that)`,
    );
    const { io, lines } = this.io();
    const code = await this.runCommand('detach', argv, io);
    if (code !== 0)
      throw new this.serverless.classes.Error(
        `tenant-gate: detach failed, the stack was left in place: ${lines.join(' ') || `exit code ${code}`}`,
      );
  }

  explainRetained() {
    const name = this.retainedFunction ?? `tenant-gate-${this.stage()}-edge-…`;
    this.log.notice(
      [
        `tenant-gate: the Lambda@Edge function ${name} was retained: CloudFront keeps its replicas for up to a few hours after`,
        'the detach, and a replicated function cannot be deleted before they are gone. A new deploy of this stage gets a',
        'new name, so it need not wait. Later (the next day is safe), delete what is left with:',
        `  npx tenant-gate cleanup --stage ${this.stage()}`,
        `The key-value store tenant-gate-${this.stage()} (keys, disabled tenants) is kept and reused by the next deploy.`,
      ].join('\n'),
    );
  }
}

module.exports = TenantGatePlugin;
