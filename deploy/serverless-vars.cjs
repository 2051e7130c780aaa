'use strict';
/**
 * Values serverless.yml takes from the build: `${file(./deploy/serverless-vars.cjs):NAME}`.
 *
 * Everything comes from the manifest deploy/package-artifacts.ts writes after building, so the template always
 * describes the artifacts that were just built from the validated gate config, and resolving needs no network and
 * no AWS credentials. The CloudFront Function's code is NOT resolved here: Serverless v3 re-resolves `${...}`
 * inside resolved strings, which would corrupt JavaScript template literals. deploy/serverless-plugin.cjs inserts it.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const DEFAULT_ARTIFACTS_DIR = '.serverless-artifacts';

function artifactsDir() {
  return process.env.TENANT_GATE_ARTIFACTS_DIR || DEFAULT_ARTIFACTS_DIR;
}

/** @returns {import('./package-artifacts').PackageManifest} */
function readManifest() {
  const file = join(artifactsDir(), 'manifest.json');
  if (!existsSync(file)) {
    throw new Error(
      `tenant-gate: ${file} is missing. Build first: run \`npm run package\` (or \`npm run deploy\`), which builds, zips and ` +
        'then calls serverless; `serverless package` alone does not build.',
    );
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.version !== 1)
    throw new Error(`tenant-gate: ${file} has version ${manifest.version}; rebuild with \`npm run package\``);
  return manifest;
}

/** `cf-2026-11` → `TenantGateCloudFrontKeyCf202611`; CloudFormation logical ids are alphanumeric. */
function keyLogicalId(name) {
  const clean = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return `TenantGateCloudFrontKey${clean}`;
}

async function stageOf(resolveVariable) {
  return resolveVariable('sls:stage');
}

module.exports.viewerRequestArtifact = () => readManifest().artifacts.viewerRequest;
module.exports.loginArtifact = () => readManifest().artifacts.login;
module.exports.gatedPathPatterns = () => readManifest().gatedPathPatterns;
/**
 * The login's origin request policy (TenantGateLoginOriginRequestPolicy): exactly what the login reads (the one list,
 * login/origin-request.ts, written to the manifest) plus CloudFront-Viewer-Address, which CloudFront adds only when a
 * policy names it; never Host, which a function URL refuses (docs/platform.md#origin-request-and-cache-policies).
 */
module.exports.loginOriginRequestPolicyConfig = async ({ resolveVariable }) => {
  const { headers, cookies, queryStrings } = readManifest().loginOriginRequest;
  const stage = await stageOf(resolveVariable);
  return {
    Name: `tenant-gate-${stage}-login`,
    Comment: 'tenant-gate login: what the login reads, CloudFront-Viewer-Address, never Host',
    HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [...headers] },
    CookiesConfig: { CookieBehavior: 'whitelist', Cookies: [...cookies] },
    // `everywhere` of DELETE /auth/session?everywhere=1 (sign out everywhere).
    QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: [...queryStrings] },
  };
};
module.exports.gatedPathPatternList = () => readManifest().gatedPathPatterns.join(',');

/** The stack parameter that carries the ARN of the key-value store the plugin found or created (outside the stack). */
const KVS_PARAMETER = 'TenantGateKeyValueStoreArn';
module.exports.KVS_PARAMETER = KVS_PARAMETER;

/** The store exists for the CloudFront Function's reads, or for revocation on either target. */
function needsKeyValueStore(manifest) {
  return manifest.cloudFrontFunction.keyValueStore || manifest.revocation === true;
}
module.exports.needsKeyValueStore = needsKeyValueStore;

/** The login's environment: its store's ARN when revocation is on (functions/login.ts KVS_ARN_VARIABLE). */
module.exports.loginEnvironment = () =>
  readManifest().revocation === true ? { TENANT_GATE_KVS_ARN: { Ref: KVS_PARAMETER } } : {};

module.exports.cloudFrontFunctionConfig = async ({ resolveVariable }) => {
  const manifest = readManifest();
  const stage = await stageOf(resolveVariable);
  const config = { Comment: `tenant-gate viewer-request gate (${stage})`, Runtime: 'cloudfront-js-2.0' };
  if (manifest.cloudFrontFunction.keyValueStore) {
    config.KeyValueStoreAssociations = [{ KeyValueStoreARN: { Ref: KVS_PARAMETER } }];
  }
  return config;
};

/**
 * What exists only for some gate configs: the key-value store parameter, the public keys and their key group.
 * The store itself is NOT a stack resource: the plugin finds or creates `tenant-gate-<stage>` outside the stack and
 * passes its ARN as a parameter, so `remove` keeps it and the next deploy reuses it (deploy/key-value-store-resource.ts).
 */
module.exports.optionalResources = async ({ resolveVariable }) => {
  const manifest = readManifest();
  const stage = await stageOf(resolveVariable);
  const Resources = {};
  const Outputs = {};
  const Parameters = {};
  if (needsKeyValueStore(manifest)) {
    Parameters[KVS_PARAMETER] = {
      Type: 'String',
      Description: `ARN of the KeyValueStore tenant-gate-${stage} (found or created by the deploy, kept on remove)`,
      AllowedPattern: '^arn:aws:cloudfront::[0-9]{12}:key-value-store/[A-Za-z0-9-]+$',
    };
    Outputs.TenantGateKeyValueStoreArn = {
      Description: 'KeyValueStore of the CloudFront Function (outside the stack)',
      Value: { Ref: KVS_PARAMETER },
    };
  }
  if (manifest.revocation === true) {
    // The login reads the revocation entries for Lambda@Edge and for its own sessions, and writes a user's on
    // "sign out everywhere": this store only (docs/platform.md#key-value-store).
    Resources.TenantGateLoginKeyValueStorePolicy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: `tenant-gate-${stage}-login-key-value-store`,
        Roles: [{ Ref: 'IamRoleLambdaExecution' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'cloudfront-keyvaluestore:DescribeKeyValueStore',
                'cloudfront-keyvaluestore:GetKey',
                'cloudfront-keyvaluestore:ListKeys',
                'cloudfront-keyvaluestore:UpdateKeys',
              ],
              Resource: { Ref: KVS_PARAMETER },
            },
          ],
        },
      },
    };
  }
  if (manifest.cloudFrontKeys !== null) {
    const ids = [];
    for (const key of manifest.cloudFrontKeys.keys) {
      const id = keyLogicalId(key.name);
      if (ids.includes(id))
        throw new Error(`tenant-gate: CloudFront key names must differ in more than punctuation (${key.name})`);
      ids.push(id);
      Resources[id] = {
        Type: 'AWS::CloudFront::PublicKey',
        Properties: {
          PublicKeyConfig: {
            // Immutable and unique per key: a new name is a new key, never an in-place change of a trusted one.
            CallerReference: `tenant-gate-${stage}-${key.name}`,
            Name: `tenant-gate-${stage}-${key.name}`,
            Comment: `tenant-gate CloudFront signing key ${key.name}`,
            EncodedKey: key.publicKeyPem,
          },
        },
      };
    }
    Resources.TenantGateKeyGroup = {
      Type: 'AWS::CloudFront::KeyGroup',
      Properties: {
        KeyGroupConfig: {
          Name: `tenant-gate-${stage}`,
          Comment: 'tenant-gate signed cookies and URLs',
          Items: ids.map((id) => ({ Ref: id })),
        },
      },
    };
    Outputs.TenantGateKeyGroupId = {
      Description: 'Trusted key group for the gated behaviors',
      Value: { Ref: 'TenantGateKeyGroup' },
    };
    // name=ID pairs: the ID is what login.cloudfront.keyPairId takes.
    Outputs.TenantGateCloudFrontKeyIds = {
      Description: 'CloudFront public key IDs (login.cloudfront.keyPairId), as name=ID',
      Value: {
        'Fn::Join': [
          ',',
          manifest.cloudFrontKeys.keys.map((k) => ({ 'Fn::Join': ['=', [k.name, { Ref: keyLogicalId(k.name) }]] })),
        ],
      },
    };
  }
  return Object.keys(Parameters).length > 0 ? { Parameters, Resources, Outputs } : { Resources, Outputs };
};

module.exports.readManifest = readManifest;
module.exports.keyLogicalId = keyLogicalId;
