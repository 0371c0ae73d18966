/** Composition of the registry's services from its dependencies (see `createRegistry`). */
import { AdminTokens } from './admin-tokens.ts';
import { type DevIssuerKey, loadDevIssuerKey } from './dev-issuer.ts';
import { DkgCeremonies } from './dkg.ts';
import { Enrolments } from './enrolment.ts';
import { EscrowEpochs } from './epochs.ts';
import { IssuerRegistry } from './issuers.ts';
import { type IssuedNonce, issueNonce } from './nonces.ts';
import { SelfService } from './self-service.ts';
import { Sessions } from './sessions.ts';
import { Sweeper } from './sweeper.ts';
import { TrusteeSets } from './trustees.ts';
import { WalletRequests } from './wallet-requests.ts';
import type { IssuerRecord, RegistryDeps } from './types.ts';

export interface Registry {
  issuers: IssuerRegistry;
  trusteeSets: TrusteeSets;
  /** Dealerless key ceremonies (`mvid trustee dkg`): the server relays, the trustees compute. */
  dkg: DkgCeremonies;
  /** Retention-epoch escrow keys: what envelopes are sealed to, and their destruction. */
  epochs: EscrowEpochs;
  enrolments: Enrolments;
  sessions: Sessions;
  self: SelfService;
  adminTokens: AdminTokens;
  sweeper: Sweeper;
  /** Enrolment from a wallet over OpenID4VP (same device). */
  walletRequests: WalletRequests;
  /** A fresh single-use nonce for a key-binding JWT or holder assertion. */
  issueNonce(): IssuedNonce;
  /**
   * Development mode only: registers the dev issuer with `key`, or with the key in the key
   * directory `key` names (created on first use). Does nothing in production. Refuses
   * (`keys_mismatch`) when the dev issuer is registered with another key.
   */
  setupDevIssuer(key: string | DevIssuerKey): Promise<IssuerRecord | undefined>;
}

/**
 * Builds the registry. Cheap (no I/O); share one per process.
 * @example
 * const registry = createRegistry({ store, clock, random, secrets, options, log: outboxLog(clock) });
 * const { personId, session } = await registry.enrolments.enrol(presentation);
 */
export function createRegistry(deps: RegistryDeps): Registry {
  const { store, clock, random } = deps;
  const issuers = new IssuerRegistry(store, clock, random, deps.options.mode);
  const trusteeSets = new TrusteeSets(store, clock, random, deps.log);
  const sessions = new Sessions(deps);
  const epochs = new EscrowEpochs({
    store,
    clock,
    random,
    log: deps.log,
    trusteeSets,
    months: deps.options.escrowEpochMonths,
    lifetimeDays: deps.options.escrowLifetimeDays,
  });
  const enrolments = new Enrolments(deps, issuers, trusteeSets, epochs);
  const issue = () => issueNonce(sessions.nonceKey, clock.now(), random);
  return {
    issuers,
    trusteeSets,
    dkg: new DkgCeremonies(store, clock, random, trusteeSets, epochs, deps.pendingDisclosures),
    epochs,
    enrolments,
    walletRequests: new WalletRequests(store, clock, random, enrolments, issue),
    sessions,
    self: new SelfService(deps, sessions.nonceKey),
    adminTokens: new AdminTokens(store, clock, random),
    sweeper: new Sweeper(deps),
    issueNonce: issue,
    async setupDevIssuer(key) {
      if (deps.options.mode !== 'development') return undefined;
      return issuers.ensureDevIssuer(typeof key === 'string' ? loadDevIssuerKey(key, deps.options.mode) : key);
    },
  };
}
