/**
 * Route schemas compiled on first use instead of at start-up. Fastify compiles every
 * route's validators (Ajv) and response serializers (fast-json-stringify) when the route is
 * added; mvid has a few hundred of them, and an idle server answering only its probes
 * needs two. Each compiler here hands Fastify a stand-in that compiles its schema with
 * Fastify's own default compilers (the same packages, options and per-app pools) the first
 * time it is called, then keeps using the result.
 *
 * `compileAll()` compiles whatever is still pending, so a test can prove every schema
 * compiles, as start-up used to.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
type ValidatorCompiler = ReturnType<ValidatorFactory>;
type SerializerCompiler = ReturnType<SerializerFactory>;
type Serializer = ReturnType<SerializerCompiler>;
/** What Fastify holds for a request part: Ajv's validate function, or a stand-in for it. */
type Validator = ReturnType<ValidatorCompiler>;

/** Fastify's default compiler packages, resolved from Fastify itself so they are the copies it would use. */
const fromFastify = createRequire(import.meta.resolve('fastify'));

/** `compute` run once, the first time the result is asked for. */
function memo<T>(compute: () => T): () => T {
  let result: { value: T } | undefined;
  return () => {
    result ??= { value: compute() };
    return result.value;
  };
}

export interface LazySchemaCompilers {
  /** For Fastify's `schemaController.compilersFactory`. */
  compilersFactory: Required<CompilersFactory>;
  /** Compiles every schema not compiled yet; returns how many there were. */
  compileAll(): number;
}

export function lazySchemaCompilers(): LazySchemaCompilers {
  const pending = new Set<() => unknown>();
  // One selector per app, as Fastify makes one per instance when given no factory; made on first use.
  const validatorSelector = memo(() => (fromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)());
  const serializerSelector = memo(() => (fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)());

  /** A route schema's compilation, run the first time its result is needed (or by `compileAll`). */
  function onFirstUse<T>(compile: () => T): () => T {
    const get = memo(() => {
      pending.delete(get);
      return compile();
    });
    pending.add(get);
    return get;
  }

  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    const compilerOf = memo((): ValidatorCompiler => validatorSelector()(externalSchemas, options));
    const compile: ValidatorCompiler = (route) => {
      // Fastify lower-cases header names in a header schema only for its default compiler.
      if (route.httpPart === 'headers')
        throw new Error(`${route.method} ${route.url}: header schemas are not supported (mvid compiles schemas lazily)`);
      const real = onFirstUse(() => compilerOf()(route));
      const validate = (data: unknown, context?: Parameters<Validator>[1]) => real()(data, context);
      // Fastify reads both from the function it holds: Ajv's `errors` after a failed call, and
      // `schemaEnv` (an Ajv function's) to pass the parent object so Ajv may coerce a root value.
      Object.defineProperties(validate, {
        errors: { get: () => real().errors },
        schemaEnv: { get: () => real().schemaEnv },
      });
      return validate as Validator;
    };
    return compile;
  };

  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compilerOf = memo((): SerializerCompiler => serializerSelector()(externalSchemas, options));
    const compile: SerializerCompiler = (route) => {
      const real = onFirstUse(() => compilerOf()(route));
      return ((data: unknown) => real()(data)) as Serializer;
    };
    return compile;
  };

  return {
    compilersFactory: { buildValidator, buildSerializer },
    compileAll() {
      const todo = [...pending];
      for (const compile of todo) compile();
      return todo.length;
    },
  };
}
