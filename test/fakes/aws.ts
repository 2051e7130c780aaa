/**
 * A stateful fake of the AWS APIs the plugin and the CLI call, behind the real SDK clients (aws-sdk-client-mock
 * replaces each client's `send`), keeping the documented rules that matter to a deploy:
 *
 * - CloudFront distributions: GetDistributionConfig/UpdateDistribution with ETags; a stale IfMatch is
 *   PreconditionFailed; a gate association must name an existing numbered Lambda version or a published function.
 * - CloudFront Functions: DEVELOPMENT and LIVE stages with their own ETags; TestFunction runs the stage's code in the
 *   project's CloudFront Function runtime (local/cloudfront-function-runtime.ts) with its associated store;
 *   PublishFunction copies DEVELOPMENT to LIVE; a function in use by a distribution cannot be deleted.
 *   (docs/platform.md#cloudfront-functions-publish-and-test)
 * - Lambda: numbered versions; a function whose versions a distribution used keeps replicas for REPLICA_HOURS after
 *   the last association is removed, and DeleteFunction meanwhile fails with Lambda's "replicated function" error
 *   (docs/platform.md#lambda-edge-deletion); runtime dates from deploy/lambda-runtimes.ts refuse create/update.
 * - KeyValueStore: created by name (a second create of the name is EntityAlreadyExists), data plane with ETags
 *   (a stale IfMatch is ConflictException).
 * - CloudFormation: describeStacks outputs as the SDK returns them; `deployStack`/`deleteStack` apply a Serverless
 *   template for the resource types the stack has (names resolved from intrinsics, a name taken by a retained
 *   resource fails the create, DeletionPolicy Retain keeps resources on delete).
 * - SSM: GetParameter of what `putParameter` stored.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand as DescribeStoreCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  ListKeyValueStoresCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
  type DistributionConfig,
  type FunctionConfig,
} from '@aws-sdk/client-cloudfront';
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import {
  DeleteFunctionCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { edgeAssociationsOf } from '../../deploy/attach';
import { LAMBDA_RUNTIMES } from '../../deploy/lambda-runtimes';
import { loadCloudFrontFunction } from '../../local/cloudfront-function-runtime';
import { LocalKeyValueStore } from '../../local/key-value-store';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** "Typically within a few hours" (DG); the fake takes 3. */
export const REPLICA_HOURS = 3;
const HOUR = 3600_000;

export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

interface CfFunction {
  name: string;
  config: FunctionConfig;
  development: { code: Buffer; eTag: string };
  live: { code: Buffer; eTag: string } | undefined;
  /** The stack that created it, if any. */
  stack: string | undefined;
}

interface LambdaFunction {
  name: string;
  runtime: string;
  codeKey: string;
  versions: number[];
  stack: string | undefined;
  /** Replicas exist while associated, and until this time after the last association went. */
  replicasUntil: number | undefined;
}

interface Store {
  name: string;
  arn: string;
  data: LocalKeyValueStore;
  eTag: number;
}

type Json = Record<string, unknown>;
interface TemplateResource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
}
export interface Template {
  Parameters?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

interface Stack {
  name: string;
  id: string;
  template: Template;
  parameters: Record<string, string>;
  /** Logical id → physical id (name, ARN or id). */
  physical: Record<string, string>;
  outputs: Record<string, string>;
}

let counter = 0;
const nextId = (prefix: string): string => `${prefix}${(++counter).toString(36).toUpperCase().padStart(6, '0')}`;

export class FakeAws {
  /** The fake clock, ms since the epoch. */
  now: number;
  readonly distributions = new Map<string, { config: DistributionConfig; version: number }>();
  readonly functions = new Map<string, CfFunction>();
  readonly lambdas = new Map<string, LambdaFunction>();
  readonly stores = new Map<string, Store>();
  readonly stacks = new Map<string, Stack>();
  readonly parameters = new Map<string, string>();
  /** Every call, as `Service.Operation`, to check what was (not) called. */
  readonly calls: string[] = [];

  constructor(now: number) {
    this.now = now;
  }

  // --- installation ---------------------------------------------------------------------------------------

  install(): () => void {
    const cf = mockClient(CloudFrontClient);
    const kvs = mockClient(CloudFrontKeyValueStoreClient);
    const lambda = mockClient(LambdaClient);
    const cfn = mockClient(CloudFormationClient);
    const ssm = mockClient(SSMClient);
    const on = <I, O>(
      stub: { on: (c: never) => { callsFake: (f: (input: I) => unknown) => unknown } },
      command: unknown,
      name: string,
      f: (input: I) => O,
    ): void => {
      stub.on(command as never).callsFake(async (input: I) => {
        this.calls.push(name);
        return f(input);
      });
    };
    on(cf, GetDistributionConfigCommand, 'CloudFront.GetDistributionConfig', (i: { Id: string }) => {
      const d = this.distribution(i.Id);
      return { ETag: `E${d.version}`, DistributionConfig: structuredClone(d.config) };
    });
    on(cf, GetDistributionCommand, 'CloudFront.GetDistribution', (i: { Id: string }) => {
      const d = this.distribution(i.Id);
      return { ETag: `E${d.version}`, Distribution: { Id: i.Id, Status: 'Deployed', DistributionConfig: d.config } };
    });
    on(cf, UpdateDistributionCommand, 'CloudFront.UpdateDistribution', (i: Json) => this.updateDistribution(i));
    on(cf, DescribeFunctionCommand, 'CloudFront.DescribeFunction', (i: { Name: string; Stage?: string }) => {
      const f = this.cfFunction(i.Name);
      const stage = i.Stage === 'LIVE' ? f.live : f.development;
      if (stage === undefined) throw awsError('NoSuchFunctionExists', `${i.Name} has no LIVE stage`, 404);
      return {
        ETag: stage.eTag,
        FunctionSummary: {
          Name: f.name,
          FunctionConfig: structuredClone(f.config),
          FunctionMetadata: { FunctionARN: this.functionArn(f.name), Stage: i.Stage ?? 'DEVELOPMENT' },
        },
      };
    });
    on(cf, GetFunctionCommand, 'CloudFront.GetFunction', (i: { Name: string; Stage?: string }) => {
      const f = this.cfFunction(i.Name);
      const stage = i.Stage === 'LIVE' ? f.live : f.development;
      if (stage === undefined) throw awsError('NoSuchFunctionExists', `${i.Name} has no LIVE stage`, 404);
      return { ETag: stage.eTag, FunctionCode: new Uint8Array(stage.code), ContentType: 'application/octet-stream' };
    });
    on(cf, CreateFunctionCommand, 'CloudFront.CreateFunction', (i: Json) =>
      this.createCfFunction(String(i['Name']), i['FunctionConfig'] as FunctionConfig, i['FunctionCode'], undefined),
    );
    on(cf, UpdateFunctionCommand, 'CloudFront.UpdateFunction', (i: Json) => {
      const f = this.cfFunction(String(i['Name']));
      if (i['IfMatch'] !== f.development.eTag)
        throw awsError('PreconditionFailed', 'The If-Match version is missing or not valid for the resource.', 412);
      this.checkStoreAssociations(i['FunctionConfig'] as FunctionConfig);
      f.config = structuredClone(i['FunctionConfig'] as FunctionConfig);
      f.development = { code: Buffer.from(i['FunctionCode'] as Uint8Array), eTag: nextId('ETVDEV') };
      return { ETag: f.development.eTag };
    });
    on(cf, PublishFunctionCommand, 'CloudFront.PublishFunction', (i: { Name: string; IfMatch: string }) => {
      const f = this.cfFunction(i.Name);
      if (i.IfMatch !== f.development.eTag)
        throw awsError('PreconditionFailed', 'The If-Match version is missing or not valid for the resource.', 412);
      f.live = { code: f.development.code, eTag: nextId('ETVLIVE') };
      return { FunctionSummary: { Name: f.name } };
    });
    on(cf, TestFunctionCommand, 'CloudFront.TestFunction', (i: Json) => this.testFunction(i));
    on(cf, ListKeyValueStoresCommand, 'CloudFront.ListKeyValueStores', () => ({
      KeyValueStoreList: {
        MaxItems: 100,
        Quantity: this.stores.size,
        Items: [...this.stores.values()].map((s) => ({
          Name: s.name,
          ARN: s.arn,
          Id: s.arn.split('/')[1],
          Status: 'READY',
        })),
      },
    }));
    on(cf, CreateKeyValueStoreCommand, 'CloudFront.CreateKeyValueStore', (i: { Name: string }) => {
      if ([...this.stores.values()].some((s) => s.name === i.Name))
        throw awsError('EntityAlreadyExists', `A key value store named ${i.Name} already exists`, 409);
      const store = this.createStore(i.Name);
      return { ETag: 'ETKVS', KeyValueStore: { Name: store.name, ARN: store.arn, Status: 'READY' } };
    });
    on(cf, DescribeStoreCommand, 'CloudFront.DescribeKeyValueStore', (i: { Name: string }) => {
      const store = [...this.stores.values()].find((s) => s.name === i.Name);
      if (store === undefined) throw awsError('EntityNotFound', `no key value store ${i.Name}`, 404);
      return { ETag: 'ETKVS', KeyValueStore: { Name: store.name, ARN: store.arn, Status: 'READY' } };
    });

    on(kvs, DescribeKeyValueStoreCommand, 'KeyValueStore.DescribeKeyValueStore', (i: { KvsARN: string }) => {
      const s = this.store(i.KvsARN);
      return {
        KvsARN: s.arn,
        ETag: `KV${s.eTag}`,
        ItemCount: Object.keys(s.data.entries()).length,
        TotalSizeInBytes: s.data.size(),
      };
    });
    const write = (i: { KvsARN: string; IfMatch: string }, change: (s: Store) => void) => {
      const s = this.store(i.KvsARN);
      if (i.IfMatch !== `KV${s.eTag}`) throw awsError('ConflictException', 'Resource is not in expected state.', 409);
      change(s);
      s.eTag++;
      return { ETag: `KV${s.eTag}`, ItemCount: Object.keys(s.data.entries()).length, TotalSizeInBytes: s.data.size() };
    };
    on(
      kvs,
      PutKeyCommand,
      'KeyValueStore.PutKey',
      (i: { KvsARN: string; IfMatch: string; Key: string; Value: string }) =>
        write(i, (s) => s.data.put(i.Key, i.Value)),
    );
    on(kvs, DeleteKeyCommand, 'KeyValueStore.DeleteKey', (i: { KvsARN: string; IfMatch: string; Key: string }) =>
      write(i, (s) => {
        if (!(i.Key in s.data.entries())) throw awsError('ResourceNotFoundException', `Key ${i.Key} not found`, 404);
        s.data.delete(i.Key);
      }),
    );
    on(
      kvs,
      UpdateKeysCommand,
      'KeyValueStore.UpdateKeys',
      (i: { KvsARN: string; IfMatch: string; Puts?: { Key: string; Value: string }[]; Deletes?: { Key: string }[] }) =>
        write(i, (s) => {
          for (const p of i.Puts ?? []) s.data.put(p.Key, p.Value);
          for (const d of i.Deletes ?? []) s.data.delete(d.Key);
        }),
    );
    on(kvs, GetKeyCommand, 'KeyValueStore.GetKey', (i: { KvsARN: string; Key: string }) => {
      const s = this.store(i.KvsARN);
      const value = s.data.entries()[i.Key];
      if (value === undefined) throw awsError('ResourceNotFoundException', `Key ${i.Key} not found`, 404);
      return {
        Key: i.Key,
        Value: value,
        ItemCount: Object.keys(s.data.entries()).length,
        TotalSizeInBytes: s.data.size(),
      };
    });
    on(kvs, ListKeysCommand, 'KeyValueStore.ListKeys', (i: { KvsARN: string }) => ({
      Items: Object.entries(this.store(i.KvsARN).data.entries()).map(([Key, Value]) => ({ Key, Value })),
    }));

    on(lambda, ListFunctionsCommand, 'Lambda.ListFunctions', () => ({
      Functions: [...this.lambdas.values()].map((f) => ({ FunctionName: f.name, Runtime: f.runtime })),
    }));
    on(lambda, ListVersionsByFunctionCommand, 'Lambda.ListVersionsByFunction', (i: { FunctionName: string }) => {
      const f = this.lambdas.get(i.FunctionName);
      if (f === undefined) throw awsError('ResourceNotFoundException', `Function not found: ${i.FunctionName}`, 404);
      return { Versions: [{ Version: '$LATEST' }, ...f.versions.map((v) => ({ Version: String(v) }))] };
    });
    on(lambda, DeleteFunctionCommand, 'Lambda.DeleteFunction', (i: { FunctionName: string }) => {
      this.deleteLambda(i.FunctionName);
      return {};
    });

    on(cfn, DescribeStacksCommand, 'CloudFormation.DescribeStacks', (i: { StackName: string }) =>
      this.describeStacks(i.StackName),
    );
    on(ssm, GetParameterCommand, 'SSM.GetParameter', (i: { Name: string }) => {
      const value = this.parameters.get(i.Name);
      if (value === undefined) throw awsError('ParameterNotFound', `parameter ${i.Name} not found`);
      return { Parameter: { Name: i.Name, Type: 'SecureString', Value: value } };
    });

    return () => {
      for (const stub of [cf, kvs, lambda, cfn, ssm]) stub.restore();
    };
  }

  // --- CloudFront -------------------------------------------------------------------------------------------

  addDistribution(id: string, config: DistributionConfig): void {
    this.distributions.set(id, { config: structuredClone(config), version: 1 });
  }

  distribution(id: string): { config: DistributionConfig; version: number } {
    const d = this.distributions.get(id);
    if (d === undefined) throw awsError('NoSuchDistribution', `The specified distribution does not exist.`, 404);
    return d;
  }

  functionArn(name: string): string {
    return `arn:aws:cloudfront::${ACCOUNT}:function/${name}`;
  }

  cfFunction(name: string): CfFunction {
    const f = this.functions.get(name);
    if (f === undefined) throw awsError('NoSuchFunctionExists', `The function ${name} does not exist.`, 404);
    return f;
  }

  private checkStoreAssociations(config: FunctionConfig): void {
    for (const a of config.KeyValueStoreAssociations?.Items ?? []) this.store(a.KeyValueStoreARN ?? '');
  }

  private createCfFunction(name: string, config: FunctionConfig, code: unknown, stack: string | undefined) {
    if (this.functions.has(name))
      throw awsError('FunctionAlreadyExists', `A function named ${name} already exists.`, 409);
    this.checkStoreAssociations(config);
    const f: CfFunction = {
      name,
      config: structuredClone(config),
      development: { code: Buffer.from(code as Uint8Array), eTag: nextId('ETVDEV') },
      live: undefined,
      stack,
    };
    this.functions.set(name, f);
    return { ETag: f.development.eTag, FunctionSummary: { Name: name } };
  }

  private testFunction(i: Json) {
    const f = this.cfFunction(String(i['Name']));
    const stage = i['Stage'] === 'LIVE' ? f.live : f.development;
    if (stage === undefined || i['IfMatch'] !== stage.eTag)
      throw awsError('PreconditionFailed', 'The If-Match version is missing or not valid for the resource.', 412);
    const arn = f.config.KeyValueStoreAssociations?.Items?.[0]?.KeyValueStoreARN;
    const event = JSON.parse(Buffer.from(i['EventObject'] as Uint8Array).toString('utf8')) as unknown;
    const logs: string[] = [];
    return (async () => {
      try {
        const handler = loadCloudFrontFunction(stage.code.toString('utf8'), {
          ...(arn === undefined ? {} : { store: this.store(arn).data }),
          now: () => this.now,
          log: (line) => logs.push(line),
        });
        const result = (await handler(event)) as Json;
        const output = typeof result['statusCode'] === 'number' ? { response: result } : { request: result };
        return {
          TestResult: {
            ComputeUtilization: String(10 + (stage.code.length % 20)),
            FunctionExecutionLogs: logs,
            FunctionErrorMessage: '',
            FunctionOutput: JSON.stringify(output),
          },
        };
      } catch (error) {
        return { TestResult: { ComputeUtilization: '0', FunctionErrorMessage: (error as Error).message } };
      }
    })();
  }

  private usedArns(): string[] {
    const arns: string[] = [];
    for (const d of this.distributions.values()) {
      const behaviors = [d.config.DefaultCacheBehavior ?? {}, ...(d.config.CacheBehaviors?.Items ?? [])];
      for (const b of behaviors) for (const a of edgeAssociationsOf(b)) arns.push(a.arn);
    }
    return arns;
  }

  private updateDistribution(i: Json) {
    const id = String(i['Id']);
    const d = this.distribution(id);
    if (i['IfMatch'] !== `E${d.version}`)
      throw awsError('PreconditionFailed', 'The If-Match version is missing or not valid for the resource.', 412);
    const config = i['DistributionConfig'] as DistributionConfig;
    const behaviors = [config.DefaultCacheBehavior ?? {}, ...(config.CacheBehaviors?.Items ?? [])];
    for (const b of behaviors) {
      for (const a of edgeAssociationsOf(b)) {
        if (a.kind === 'lambda-edge') {
          const m = /:function:([^:]+)(?::([^:]+))?$/.exec(a.arn);
          const fn = m?.[1] === undefined ? undefined : this.lambdas.get(m[1]);
          if (fn === undefined) continue; // someone else's function
          if (m?.[2] === undefined || !fn.versions.includes(Number(m[2])))
            throw awsError(
              'InvalidLambdaFunctionAssociation',
              `The function ARN must reference a specific function version. (${a.arn})`,
            );
        } else {
          const name = a.arn.split('/').pop() ?? '';
          const fn = this.functions.get(name);
          if (name.includes('tenant-gate') && (fn === undefined || fn.live === undefined))
            throw awsError('InvalidFunctionAssociation', `The function ${a.arn} does not exist or is not published.`);
        }
      }
    }
    d.config = structuredClone(config);
    d.version++;
    // Replicas: associated functions keep them; a function no distribution uses any more loses them in hours.
    const used = this.usedArns();
    for (const f of this.lambdas.values()) {
      const associated = used.some((arn) => arn.includes(`:function:${f.name}:`));
      if (associated) f.replicasUntil = Number.POSITIVE_INFINITY;
      else if (f.replicasUntil === Number.POSITIVE_INFINITY) f.replicasUntil = this.now + REPLICA_HOURS * HOUR;
    }
    return { ETag: `E${d.version}`, Distribution: { Id: id, Status: 'InProgress', DistributionConfig: d.config } };
  }

  // --- KeyValueStore ----------------------------------------------------------------------------------------

  createStore(name: string): Store {
    const store: Store = {
      name,
      arn: `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${randomUUID()}`,
      data: new LocalKeyValueStore(),
      eTag: 1,
    };
    this.stores.set(store.arn, store);
    return store;
  }

  store(arn: string): Store {
    const s = this.stores.get(arn);
    if (s === undefined) throw awsError('ResourceNotFoundException', `Resource was not found. (${arn})`, 404);
    return s;
  }

  storeNamed(name: string): Store | undefined {
    return [...this.stores.values()].find((s) => s.name === name);
  }

  // --- Lambda -----------------------------------------------------------------------------------------------

  private deleteLambda(name: string): void {
    const f = this.lambdas.get(name);
    if (f === undefined) throw awsError('ResourceNotFoundException', `Function not found: ${name}`, 404);
    if (f.replicasUntil !== undefined && this.now < f.replicasUntil)
      throw awsError(
        'InvalidParameterValueException',
        `Lambda was unable to delete arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}:${f.versions.at(-1) ?? 1} because it is a replicated function. Please see our documentation for Deleting Lambda@Edge Functions and Replicas.`,
      );
    this.lambdas.delete(name);
  }

  /** Lambda's runtime rules on CreateFunction / UpdateFunction* (docs/platform.md#lambda-runtimes). */
  private checkRuntime(runtime: string, creating: boolean): void {
    const dates = LAMBDA_RUNTIMES[runtime];
    const at = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
    if (dates === undefined || this.now >= at(dates.blockUpdate) || (creating && this.now >= at(dates.blockCreate)))
      throw awsError(
        'InvalidParameterValueException',
        `The runtime parameter of ${runtime} is no longer supported for ${creating ? 'creating' : 'updating'} AWS Lambda functions.`,
      );
  }

  // --- CloudFormation ---------------------------------------------------------------------------------------

  describeStacks(name: string): DescribeStacksCommandOutput {
    const stack = this.stacks.get(name);
    if (stack === undefined) throw awsError('ValidationError', `Stack with id ${name} does not exist`);
    return {
      $metadata: {},
      Stacks: [
        {
          StackName: name,
          StackId: stack.id,
          CreationTime: new Date(this.now),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
  }

  private resolve(stack: Stack, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (typeof value !== 'object' || value === null) return value;
    const v = value as Json;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const arg = v[keys[0]!];
      switch (keys[0]) {
        case 'Ref':
          return this.ref(stack, String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = arg as [string, string];
          return this.getAtt(stack, id, attr);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(stack, parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, unknown];
          return String(this.resolve(stack, s)).split(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(stack, list) as unknown[])[index];
        }
        case 'Fn::Sub':
          return String(Array.isArray(arg) ? arg[0] : arg).replace(/\$\{([^}]+)\}/g, (_m, name: string) =>
            String(this.ref(stack, name)),
          );
      }
    }
    const out: Json = {};
    for (const k of keys) out[k] = this.resolve(stack, v[k]);
    return out;
  }

  private ref(stack: Stack, name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::StackId': stack.id,
      'AWS::StackName': stack.name,
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name]!;
    if (name in stack.parameters) return stack.parameters[name]!;
    const physical = stack.physical[name];
    if (physical === undefined) throw new Error(`fake CloudFormation: ${name} is not created yet`);
    return physical;
  }

  private getAtt(stack: Stack, id: string, attr: string): string {
    const physical = this.ref(stack, id);
    const type = stack.template.Resources[id]?.Type;
    if (type === 'AWS::CloudFront::Function' && attr === 'FunctionARN') return this.functionArn(physical);
    if (type === 'AWS::Lambda::Function' && attr === 'Arn')
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}`;
    if (type === 'AWS::Lambda::Url' && attr === 'FunctionUrl')
      return `https://${physical}.lambda-url.${REGION}.on.aws/`;
    return `${physical}.${attr}`;
  }

  /** Dependency order: a resource after those its properties refer to. */
  private order(template: Template): string[] {
    const ids = Object.keys(template.Resources);
    const refs = (v: unknown): string[] =>
      Array.isArray(v)
        ? v.flatMap(refs)
        : typeof v === 'object' && v !== null
          ? Object.entries(v as Json).flatMap(([k, x]) =>
              k === 'Ref' ? [String(x)] : k === 'Fn::GetAtt' ? [String((x as string[])[0])] : refs(x),
            )
          : [];
    const done: string[] = [];
    const visit = (id: string, path: string[]): void => {
      if (done.includes(id) || path.includes(id)) return;
      for (const dep of refs(template.Resources[id]?.Properties)) if (ids.includes(dep)) visit(dep, [...path, id]);
      done.push(id);
    };
    for (const id of ids) visit(id, []);
    return done;
  }

  /** Creates or updates the stack from a Serverless template, like CloudFormation for the types it has. */
  deployStack(name: string, template: Template, parameters: Record<string, string> = {}): Stack {
    const existing = this.stacks.get(name);
    const stack: Stack = existing ?? {
      name,
      id: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${randomUUID()}`,
      template,
      parameters,
      physical: {},
      outputs: {},
    };
    const previous = existing?.template;
    stack.template = template;
    stack.parameters = parameters;
    for (const p of Object.keys(template.Parameters ?? {}))
      if (!(p in parameters)) throw awsError('ValidationError', `Parameters: [${p}] must have values`);

    // Checks first (CloudFormation would roll back; here nothing is applied).
    for (const id of this.order(template)) {
      const r = template.Resources[id]!;
      const creating = stack.physical[id] === undefined;
      if (r.Type === 'AWS::Lambda::Function') {
        const props = this.resolveKnown(stack, r.Properties ?? {});
        const fnName = String(props['FunctionName'] ?? `${name}-${id}`);
        this.checkRuntime(String(props['Runtime']), creating);
        if (creating && this.lambdas.has(fnName))
          throw awsError(
            'AlreadyExists',
            `${fnName} already exists in stack ${this.lambdas.get(fnName)?.stack ?? 'none'}`,
          );
      }
      if (r.Type === 'AWS::CloudFront::Function' && creating) {
        const fnName = String(this.resolveKnown(stack, r.Properties ?? {})['Name']);
        if (this.functions.has(fnName))
          throw awsError('FunctionAlreadyExists', `A function named ${fnName} already exists.`, 409);
      }
    }
    this.stacks.set(name, stack);
    for (const id of this.order(template)) {
      const r = template.Resources[id]!;
      const props = this.resolve(stack, r.Properties ?? {}) as Json;
      const creating = stack.physical[id] === undefined;
      switch (r.Type) {
        case 'AWS::Lambda::Function': {
          const fnName = String(props['FunctionName'] ?? `${name}-${id}`);
          const codeKey = JSON.stringify(props['Code']);
          if (creating) {
            this.lambdas.set(fnName, {
              name: fnName,
              runtime: String(props['Runtime']),
              codeKey,
              versions: [],
              stack: name,
              replicasUntil: undefined,
            });
            stack.physical[id] = fnName;
          } else {
            const f = this.lambdas.get(stack.physical[id]!)!;
            f.runtime = String(props['Runtime']);
            f.codeKey = codeKey;
          }
          break;
        }
        case 'AWS::Lambda::Version': {
          if (!creating) break;
          const fnName = String(props['FunctionName']);
          const f = this.lambdas.get(fnName);
          if (f === undefined) throw new Error(`fake CloudFormation: no function ${fnName}`);
          const n = (f.versions.at(-1) ?? 0) + 1;
          f.versions.push(n);
          stack.physical[id] = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fnName}:${n}`;
          break;
        }
        case 'AWS::CloudFront::Function': {
          const fnName = String(props['Name']);
          const raw = props['FunctionConfig'] as Json;
          const arns = (raw['KeyValueStoreAssociations'] as { KeyValueStoreARN: string }[] | undefined) ?? [];
          const config: FunctionConfig = {
            Comment: String(raw['Comment'] ?? ''),
            Runtime: raw['Runtime'] as FunctionConfig['Runtime'],
            ...(arns.length > 0
              ? {
                  KeyValueStoreAssociations: {
                    Quantity: arns.length,
                    Items: arns.map((a) => ({ KeyValueStoreARN: a.KeyValueStoreARN })),
                  },
                }
              : {}),
          };
          const code = Buffer.from(String(props['FunctionCode']));
          if (creating) {
            this.createCfFunction(fnName, config, code, name);
            stack.physical[id] = fnName;
          } else {
            const f = this.cfFunction(fnName);
            this.checkStoreAssociations(config);
            if (!f.development.code.equals(code) || JSON.stringify(f.config) !== JSON.stringify(config)) {
              f.config = config;
              f.development = { code, eTag: nextId('ETVDEV') };
            }
          }
          if (props['AutoPublish'] === true) {
            const f = this.cfFunction(fnName);
            f.live = { code: f.development.code, eTag: nextId('ETVLIVE') };
          }
          break;
        }
        default:
          if (creating) stack.physical[id] = nextId(id.slice(0, 8).toLowerCase());
      }
    }
    // Resources no longer in the template go, unless retained.
    for (const id of Object.keys(previous?.Resources ?? {}))
      if (!(id in template.Resources)) this.deleteResource(stack, previous!.Resources[id]!, id);
    stack.outputs = {};
    for (const [key, output] of Object.entries(template.Outputs ?? {}))
      stack.outputs[key] = String(this.resolve(stack, output.Value));
    return stack;
  }

  /** Resolves what can be resolved before creation (names made of parameters and pseudo parameters). */
  private resolveKnown(stack: Stack, props: Json): Json {
    const out: Json = {};
    for (const key of ['FunctionName', 'Runtime', 'Name']) {
      if (!(key in props)) continue;
      try {
        out[key] = this.resolve(stack, props[key]);
      } catch {
        out[key] = undefined;
      }
    }
    return out;
  }

  private deleteResource(stack: Stack, r: TemplateResource, id: string): void {
    const physical = stack.physical[id];
    delete stack.physical[id];
    if (physical === undefined || r.DeletionPolicy === 'Retain') return;
    if (r.Type === 'AWS::Lambda::Function') this.deleteLambda(physical);
    if (r.Type === 'AWS::CloudFront::Function') {
      if (this.usedArns().includes(this.functionArn(physical)))
        throw awsError('FunctionInUse', `Cannot delete function ${physical}: a distribution uses it.`, 409);
      this.functions.delete(physical);
    }
  }

  deleteStack(name: string): void {
    const stack = this.stacks.get(name);
    if (stack === undefined) throw awsError('ValidationError', `Stack with id ${name} does not exist`);
    for (const id of [...this.order(stack.template)].reverse())
      this.deleteResource(stack, stack.template.Resources[id]!, id);
    this.stacks.delete(name);
  }

  /** A digest of a function's LIVE code (to compare stages without printing code). */
  liveDigest(name: string): string | undefined {
    const live = this.functions.get(name)?.live;
    return live === undefined ? undefined : createHash('sha256').update(live.code).digest('hex').slice(0, 12);
  }
}
