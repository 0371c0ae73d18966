/**
 * The OpenAPI document as a contract (issue 14): every answer the app gives to a request
 * that matches a documented operation is checked against that operation's declared
 * responses — the status is declared (exactly or as a 4XX/5XX range), the content type is
 * one the response declares (none for a response without content), and the body validates
 * against the declared schema (Ajv, with the document's formats).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

type Media = Record<string, { schema?: object }>;
type Response = { description?: string; content?: Media };
type Operation = { responses: Record<string, Response>; security?: unknown[]; requestBody?: unknown };
export type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** `METHOD /path/{template}` of an operation. */
export type OperationKey = string;

/** One request the app answered for a documented operation. */
export interface Exchange {
  op: OperationKey;
  request: InjectOptions & { method: string; url: string };
  status: number;
  /** What is wrong with the answer, measured against the document; undefined when it keeps the contract. */
  violation: string | undefined;
}

const mediaType = (value: unknown) =>
  String(value ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase() ?? '';

export class Contract {
  readonly doc: OpenApi;
  readonly exchanges: Exchange[] = [];
  readonly #ajv = new Ajv({ strict: false, allErrors: true });
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #routes: Array<{ key: OperationKey; method: string; pattern: RegExp; params: number }>;

  constructor(doc: OpenApi) {
    this.doc = doc;
    formats.default(this.#ajv);
    this.#routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => {
        const source = path
          .split('/')
          .map((s) => (s === '{*}' ? '.+' : s.replace(/\{[^}]+\}/g, '[^/]+').replace(/[.]/g, '\\.')))
          .join('/');
        return {
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          pattern: new RegExp(`^${source}$`),
          params: (path.match(/\{/g) ?? []).length,
        };
      }),
    );
  }

  /** Every documented operation. */
  operations(): OperationKey[] {
    return this.#routes.map((r) => r.key);
  }

  operation(key: OperationKey): Operation {
    const [method = '', path = ''] = key.split(' ');
    return this.doc.paths[path]?.[method.toLowerCase()] as Operation;
  }

  /** The operation a concrete request is for (the most specific template), if any is documented. */
  match(method: string, url: string): OperationKey | undefined {
    const path = url.split('?')[0] ?? '';
    return this.#routes.filter((r) => r.method === method.toUpperCase() && r.pattern.test(path)).sort((a, b) => a.params - b.params)[0]
      ?.key;
  }

  /** What is wrong with this answer to `op`, or undefined. */
  check(op: OperationKey, status: number, headers: Record<string, unknown>, body: string): string | undefined {
    const responses = this.operation(op).responses;
    const code = String(status);
    const declaredAs = code in responses ? code : `${code[0]}XX` in responses ? `${code[0]}XX` : 'default';
    const declared = responses[declaredAs];
    if (!declared) return `status ${status} is not declared (${Object.keys(responses).join(', ')})`;
    const type = mediaType(headers['content-type']);
    if (!declared.content) return body.length === 0 ? undefined : `${status} declares no content but the answer has a ${type} body`;
    const media = Object.keys(declared.content).find((m) => mediaType(m) === type);
    if (!media) return `${status} answered ${type || 'no content type'}, declared ${Object.keys(declared.content).join(', ')}`;
    const schema = declared.content[media]?.schema;
    if (!schema) return undefined;
    let value: unknown = body;
    if (/[/+]json$/.test(type)) {
      try {
        value = JSON.parse(body);
      } catch {
        return `${status} ${type} body is not JSON`;
      }
    }
    const id = `${op} ${declaredAs} ${media}`;
    let validate = this.#compiled.get(id);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#compiled.set(id, validate);
    }
    if (validate(value)) {
      const problem = type === 'application/problem+json' ? (value as { status?: number }) : undefined;
      return problem && problem.status !== status
        ? `the problem document says status ${problem.status}, the answer is ${status}`
        : undefined;
    }
    return `${status} body does not match the declared schema: ${this.#ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`;
  }

  /** Checks every answer `app.inject` gives from now on (clients and helpers that call the app in-process included). */
  watch(app: FastifyInstance): void {
    const inject = app.inject.bind(app) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
    const watched = async (opts: InjectOptions | string) => {
      const request = (typeof opts === 'string' ? { method: 'GET', url: opts } : opts) as Exchange['request'];
      const response = await inject(request);
      const method = String(request.method ?? 'GET');
      const op = this.match(method, String(request.url));
      if (op !== undefined) {
        const violation = this.check(op, response.statusCode, response.headers, response.body);
        this.exchanges.push({ op, request: { ...request, method }, status: response.statusCode, violation });
      }
      return response;
    };
    Object.assign(app, { inject: watched });
  }
}
