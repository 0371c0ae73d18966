/**
 * The slice of oidc-provider 9 (an untyped package) that mvid uses. Kept loose on
 * purpose: the library validates its own configuration at construction.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  // biome-ignore lint/suspicious/noExplicitAny: untyped library surface
  type Any = any;

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, Any> };
    params: Record<string, Any>;
    session?: { accountId?: string; uid: string; cookie: string };
    grantId?: string;
    lastSubmission?: Record<string, Any>;
    returnTo: string;
  }

  export interface GrantInstance {
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    rejectOIDCScope(scope: string): void;
    save(): Promise<string>;
    jti: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, Any>);
    issuer: string;
    proxy: boolean;
    Grant: { new (init: { accountId: string; clientId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
    Client: { prototype: Any; find(id: string): Promise<Any> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, Any>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: string, listener: (...args: Any[]) => void): void;
  }

  export const errors: Record<string, new (description?: string, detail?: string) => Error>;

  export const interactionPolicy: {
    base(): Array<{ name: string; checks: { add(check: Any): void } }> & { get(name: string): { checks: { add(check: Any): void } } };
    Check: new (reason: string, description: string, check: (ctx: Any) => boolean | Promise<boolean>) => Any;
  };
}
