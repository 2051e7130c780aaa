/** The core gate wired to Node's key ring, as the Lambda@Edge adapter wires it, for core-level tests. */
import type { GateConfig } from '../../config/gate';
import { createGate } from '../../src/decision';
import { createKeyRing, nodeBase64url } from '../../functions/key-ring';
import { createTokenVerifier } from '../../src/token';
import { CONFIG } from './keys';

export function coreFor(config: GateConfig = CONFIG) {
  const tokens = createTokenVerifier(config, nodeBase64url);
  return { config, tokens, keys: createKeyRing(config.keys), gate: createGate(config, tokens) };
}
