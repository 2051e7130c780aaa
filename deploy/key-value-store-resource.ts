/**
 * The CloudFront Function's KeyValueStore lives OUTSIDE the stack: found by name (`tenant-gate-<stage>`) or created
 * by the deploy, and handed to the template as the stack parameter `TenantGateKeyValueStoreArn`.
 *
 * Why not an AWS::CloudFront::KeyValueStore resource: `remove` would delete it, and with it every `tenant:<t>`
 * kill-switch entry (disabled tenants would come back on the next deploy); and a Retain policy would make the next
 * create collide with the retained store's name. Outside the stack, `remove` keeps it and the next deploy reuses it.
 */
import {
  CreateKeyValueStoreCommand,
  DescribeKeyValueStoreCommand,
  ListKeyValueStoresCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';

export function keyValueStoreName(stage: string): string {
  return `tenant-gate-${stage}`;
}

export async function findKeyValueStore(client: CloudFrontClient, name: string): Promise<string | undefined> {
  let marker: string | undefined;
  do {
    const page = await client.send(new ListKeyValueStoresCommand({ Marker: marker }));
    const found = page.KeyValueStoreList?.Items?.find((s) => s.Name === name);
    if (found?.ARN !== undefined) return found.ARN;
    marker = page.KeyValueStoreList?.NextMarker;
  } while (marker !== undefined && marker !== '');
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The store's ARN, created (and waited for until READY) when there is none of that name. */
export async function ensureKeyValueStore(
  client: CloudFrontClient,
  name: string,
  options: { readonly waitMs?: number; readonly attempts?: number } = {},
): Promise<{ readonly arn: string; readonly created: boolean }> {
  const existing = await findKeyValueStore(client, name);
  if (existing !== undefined) return { arn: existing, created: false };
  const created = await client.send(
    new CreateKeyValueStoreCommand({
      Name: name,
      Comment: 'tenant-gate: key:<kid> verification keys and tenant:<tenant> kill switch (kept on remove)',
    }),
  );
  const arn = created.KeyValueStore?.ARN;
  if (arn === undefined) throw new Error(`CreateKeyValueStore ${name} returned no ARN`);
  let status = created.KeyValueStore?.Status;
  for (let i = 0; status !== 'READY' && i < (options.attempts ?? 30); i++) {
    await sleep(options.waitMs ?? 2000);
    status = (await client.send(new DescribeKeyValueStoreCommand({ Name: name }))).KeyValueStore?.Status;
  }
  if (status !== 'READY') throw new Error(`the KeyValueStore ${name} is ${status ?? 'unknown'}, not READY`);
  return { arn, created: true };
}
