/**
 * Where uniqueness tags come from: the tag service (src/tagservice), reached over HTTP
 * in production, or embedded in this process for development and tests. Either way the
 * enrolment server only blinds and unblinds (src/crypto's VOPRF): the OPRF key is never
 * in its key directory, and every evaluation's proof is checked against the pinned key.
 */
import { MvidError, type Random, systemRandom } from '../core/index.ts';
import { blindIdentifier, finalizeTag, type TagEvaluation, type TagWorkers } from '../crypto/index.ts';
import type { TagService } from '../tagservice/index.ts';

export interface TaggedIdentifier {
  tag: Uint8Array;
  /** The tag service's evaluation count after this one (logged). */
  evaluations: number;
}

export interface TagOracle {
  /** The tag service's public key, base64url. */
  readonly publicKey: string;
  tag(namespace: string, id: string): Promise<TaggedIdentifier>;
}

/** The fetch shape the remote oracle needs (the global `fetch` fits). */
export type TagFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Where the enrolment server's VOPRF steps run: worker threads when given, else this thread with `random`. */
type ClientSteps = Pick<TagWorkers, 'blindIdentifier' | 'finalizeTag'>;

function inThread(random: Random): ClientSteps {
  return { blindIdentifier: (namespace, id) => blindIdentifier(namespace, id, random), finalizeTag };
}

async function finish(
  namespace: string,
  id: string,
  publicKey: string,
  steps: ClientSteps,
  evaluate: (blinded: string) => Promise<TagEvaluation & { evaluations: number }>,
): Promise<TaggedIdentifier> {
  const blinded = await steps.blindIdentifier(namespace, id);
  try {
    const answer = await evaluate(blinded.blinded);
    if (!Number.isSafeInteger(answer.evaluations) || answer.evaluations < 1) {
      throw new MvidError('service_unavailable', 'the tag service sent no evaluation count');
    }
    let tag: Uint8Array;
    try {
      tag = await steps.finalizeTag(blinded, answer, publicKey);
    } catch (error) {
      // Not the caller's fault: the service answered with another key, or garbage.
      throw new MvidError('service_unavailable', 'the tag service’s answer does not verify against its pinned public key', {
        cause: error,
      });
    }
    return { tag, evaluations: answer.evaluations };
  } finally {
    blinded.blind.fill(0);
  }
}

/** The tag service over HTTP, its public key pinned from configuration. */
export function remoteTagOracle(input: {
  url: string;
  token: string;
  publicKey: string;
  fetch: TagFetch;
  random?: Random;
  workers?: TagWorkers | undefined;
}): TagOracle {
  const endpoint = `${input.url.replace(/\/+$/, '')}/tag/v1/evaluate`;
  const steps = input.workers ?? inThread(input.random ?? systemRandom);
  return {
    publicKey: input.publicKey,
    tag: (namespace, id) =>
      finish(namespace, id, input.publicKey, steps, async (blinded) => {
        let response: { status: number; text(): Promise<string> };
        try {
          response = await input.fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${input.token}` },
            body: JSON.stringify({ blinded }),
          });
        } catch (error) {
          throw new MvidError('service_unavailable', 'the tag service is unreachable', { cause: error });
        }
        const text = await response.text();
        if (response.status === 429) throw new MvidError('rate_limited', 'the tag service’s rate limit is reached; retry later');
        if (response.status !== 200) throw new MvidError('service_unavailable', `the tag service answered HTTP ${response.status}`);
        return JSON.parse(text) as TagEvaluation & { evaluations: number };
      }),
  };
}

/**
 * Development and tests only: the tag service in this process, with its own key
 * directory (`<dataDir>/tag-service`, not the main key directory). In production run
 * `mvid tag-service` elsewhere and configure MVID_TAG_SERVICE_URL.
 */
export function embeddedTagOracle(service: () => TagService, random: Random = systemRandom, workers?: TagWorkers): TagOracle {
  const steps = workers ?? inThread(random);
  let opened: TagService | undefined;
  const get = () => {
    opened ??= service();
    return opened;
  };
  return {
    get publicKey() {
      return get().status().publicKey;
    },
    tag: (namespace, id) => finish(namespace, id, get().status().publicKey, steps, (blinded) => get().evaluate(blinded)),
  };
}
