/**
 * Node marks the ML-DSA Web Crypto algorithms — and `SubtleCrypto.supports`, with which
 * @simplewebauthn probes for ML-DSA on the first passkey registration — experimental and
 * says so once per process, so the server would print that to every operator although
 * mvid never uses ML-DSA. This drops those warnings and passes every other (other
 * ExperimentalWarnings included) to Node.
 */
const ML_DSA = /\bML-DSA\b|^The supports Web Crypto API method is an experimental feature/;
let installed = false;

function isMlDsaExperimental(warning: string | Error, typeOrOptions: unknown): boolean {
  const type =
    typeof typeOrOptions === 'string'
      ? typeOrOptions
      : typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as { type?: string }).type
        : warning instanceof Error
          ? warning.name
          : undefined;
  const message = warning instanceof Error ? warning.message : warning;
  return type === 'ExperimentalWarning' && ML_DSA.test(message);
}

export function silenceMlDsaExperimentalWarning(): void {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (isMlDsaExperimental(warning, rest[0])) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
