/**
 * The transparency log core, independent of storage: RFC 9162 Merkle hashing,
 * proof verification and generation, an incremental tree builder, tlog-tiles
 * addressing, C2SP signed notes, checkpoints and witness cosignatures, and the
 * mvid log entry format. The log store plugs in through `SubtreeHashReader`.
 */
export { HASH_SIZE, emptyRoot, hashChildren, hashLeaf } from './hash.ts';
export { verifyConsistency, verifyInclusion } from './verify.ts';
export { consistencyProofNodes, inclusionProofNodes, rangeSubtrees, rootSubtrees } from './nodes.ts';
export type { ProofNode, SubtreeId } from './nodes.ts';
export { consistencyProof, hashRange, inclusionProof, rootAt } from './prove.ts';
export type { SubtreeHashReader } from './prove.ts';
export { CompactTree } from './compact.ts';
export type { SubtreeHash } from './compact.ts';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  edgeTiles,
  encodeEntryBundle,
  entryBundlePath,
  parseEntryBundle,
  parseTilePath,
  readTile,
  tileExists,
  tilePath,
  tileSubtrees,
} from './tiles.ts';
export type { ParsedTilePath, TileId } from './tiles.ts';
export {
  MAX_NOTE_SIGNATURES,
  formatNote,
  isValidKeyName,
  openNote,
  parseNote,
  parseSignatureLine,
  signNote,
  signatureLine,
} from './note.ts';
export type { NoteSignature, NoteSigner, NoteVerifier, OpenedNote, ParsedNote } from './note.ts';
export { SIGNATURE_TYPE_COSIGNATURE_V1, SIGNATURE_TYPE_ED25519, noteKeyId } from './ed25519.ts';
export { ed25519Signer, ed25519Verifier, generateNoteKey, parseSignerKey, parseVerifierKey, parseWitnessKey } from './keys.ts';
export type { Ed25519Signer, KeyedVerifier } from './keys.ts';
export { formatCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
export type { Checkpoint } from './checkpoint.ts';
export { cosignatureMessage, cosignatureTimestamp, cosignatureVerifier, cosigner } from './cosignature.ts';
export type { Cosigner, CosignatureVerifier } from './cosignature.ts';
export { addCheckpointRequest, addCosignatures, openCheckpoint } from './witness.ts';
export type { Cosignature, OpenCheckpointOptions, OpenedCheckpoint, WitnessPolicy } from './witness.ts';
export { ENTRY_VERSION, MAX_ENTRY_BYTES, encodeEntry, entryTime, parseEntry } from './entry.ts';
export { ENTRY_SCHEMAS } from './entry-schema.ts';
export type { LogEvent, LogEventOf, LogEventType } from './entry-schema.ts';
export { logOriginOf } from './origin.ts';
export { fixLogIdentity } from './identity.ts';
export { withReadReplica } from './replica.ts';
export type { LogIdentity } from './identity.ts';
export { MAX_ENTRIES_PAGE, openTransparencyLog } from './log.ts';
export type { IntegrateReport, LogLeaf, TransparencyLog, TransparencyLogOptions } from './log.ts';
export type { CheckpointRow } from './tables.ts';
export type { WitnessEndpoint } from './witness-client.ts';
export { logPrefixOf, proveInclusion, verifyLog } from './monitor.ts';
export type { MonitorOptions, MonitorResult, MonitorState } from './monitor.ts';
export { createWitness, fileWitnessStore } from './witness-server.ts';
export type { Witness, WitnessRecord, WitnessResponse, WitnessStateStore } from './witness-server.ts';
