/**
 * Cases: the moderators' queue (by priority, then age; or by age alone), the case file
 * (reports with their evidence hashes, internal notes, decisions), assignment and
 * notes. Everything is scoped to one world: a case id of another world is "not found".
 * Persons appear as this world's pseudonyms only.
 */
import { MvidError } from '../core/index.ts';
import { appealsOf, type CaseRow, type Ctx, newId, nowIso, resolveSubject, text } from './context.ts';
import type { EvidenceRef, StatementOfReasons } from './types.ts';

export interface CaseSummary {
  id: string;
  worldId: string;
  subject: string;
  category: string;
  priority: number;
  status: string;
  assignedTo: string | null;
  reports: number;
  openedAt: string;
  decidedAt: string | null;
}

export interface CaseFile extends CaseSummary {
  reportList: Array<{
    id: string;
    channel: string;
    reporter: string | null;
    text: string;
    occurredAt: string | null;
    location: string | null;
    evidence: EvidenceRef[];
    priority: number;
    createdAt: string;
  }>;
  notes: Array<{ id: string; author: string | null; text: string; createdAt: string }>;
  decisions: Array<{
    id: string;
    moderator: string;
    statement: StatementOfReasons;
    decidedAt: string;
    appeal: { id: string; status: string; text: string; filedAt: string; reasons: string | null; decidedAt: string | null } | null;
  }>;
}

/** A case as listed, its persons named by the world's `pseudonym` of them. */
function summaryOf(r: CaseRow, reports: number, pseudonym: (personId: string) => string): CaseSummary {
  return {
    id: r.id,
    worldId: r.world_id,
    subject: pseudonym(r.subject_person_id),
    category: r.category,
    priority: Number(r.priority),
    status: r.status,
    assignedTo: r.assigned_to === null ? null : pseudonym(r.assigned_to),
    reports,
    openedAt: r.opened_at,
    decidedAt: r.decided_at,
  };
}

export class Cases {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  async queue(
    worldId: string,
    options: { sort?: 'priority' | 'age'; status?: 'open' | 'decided'; limit?: number } = {},
  ): Promise<CaseSummary[]> {
    let q = this.#ctx.store.db
      .selectFrom('moderation_cases')
      .selectAll()
      .where('world_id', '=', worldId)
      .where('status', '=', options.status ?? 'open');
    if (options.sort !== 'age') q = q.orderBy('priority', 'desc');
    const rows = await q
      .orderBy('opened_at')
      .orderBy('id')
      .limit(options.limit ?? 100)
      .execute();
    const counts = rows.length
      ? await this.#ctx.store.db
          .selectFrom('moderation_reports')
          .select(['case_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where(
            'case_id',
            'in',
            rows.map((r) => r.id),
          )
          .groupBy('case_id')
          .execute()
      : [];
    const pseudonym = await this.#ctx.worlds.pseudonymsOf(worldId);
    return rows.map((r) => summaryOf(r, Number(counts.find((c) => c.case_id === r.id)?.n ?? 0), pseudonym));
  }

  /** @throws MvidError not_found */
  async row(worldId: string, caseId: string) {
    const row = await this.#ctx.store.db
      .selectFrom('moderation_cases')
      .selectAll()
      .where('id', '=', caseId)
      .where('world_id', '=', worldId)
      .executeTakeFirst();
    if (!row) throw new MvidError('not_found', 'no such case in this world');
    return row;
  }

  /** The case file, for the world's moderators and the world itself. @throws MvidError not_found */
  async file(worldId: string, caseId: string): Promise<CaseFile> {
    const db = this.#ctx.store.db;
    const row = await this.row(worldId, caseId);
    const pseudonym = await this.#ctx.worlds.pseudonymsOf(worldId);
    const reports = await db.selectFrom('moderation_reports').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
    const notes = await db.selectFrom('moderation_notes').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
    const decisions = await db.selectFrom('moderation_decisions').selectAll().where('case_id', '=', caseId).orderBy('decided_at').execute();
    const appeals = await appealsOf(
      this.#ctx,
      decisions.map((d) => d.id),
    );
    return {
      ...summaryOf(row, reports.length, pseudonym),
      reportList: reports.map((r) => ({
        id: r.id,
        channel: r.channel,
        reporter: r.reporter_person_id === null ? null : pseudonym(r.reporter_person_id),
        text: r.text,
        occurredAt: r.occurred_at,
        location: r.location,
        evidence: JSON.parse(r.evidence_json) as EvidenceRef[],
        priority: Number(r.priority),
        createdAt: r.created_at,
      })),
      notes: notes.map((n) => ({
        id: n.id,
        author: n.author_person_id === null ? null : pseudonym(n.author_person_id),
        text: n.text,
        createdAt: n.created_at,
      })),
      decisions: decisions.map((d) => {
        const a = appeals.get(d.id);
        return {
          id: d.id,
          moderator: pseudonym(d.moderator_person_id),
          statement: JSON.parse(d.statement_json) as StatementOfReasons,
          decidedAt: d.decided_at,
          appeal: a ? { id: a.id, status: a.status, text: a.text, filedAt: a.filed_at, reasons: a.reasons, decidedAt: a.decided_at } : null,
        };
      }),
    };
  }

  /**
   * Assigns a case to a moderator of the world (named by pseudonym or handle).
   * @throws MvidError not_found | moderation_subject_unknown | forbidden when the person does not moderate this world
   */
  async assign(worldId: string, caseId: string, moderator: { personId: string } | { subject: string }): Promise<CaseSummary> {
    await this.row(worldId, caseId);
    const personId =
      'personId' in moderator ? moderator.personId : await resolveSubject(this.#ctx, worldId, moderator.subject, 'moderator');
    const role = await this.#ctx.store.db
      .selectFrom('moderation_roles')
      .select('role')
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .where('role', '=', 'moderator')
      .executeTakeFirst();
    if (!role) throw new MvidError('forbidden', 'a case is assigned to a moderator of this world');
    await this.#ctx.store.db.updateTable('moderation_cases').set({ assigned_to: personId }).where('id', '=', caseId).execute();
    return this.summary(worldId, caseId);
  }

  /** @throws MvidError not_found */
  async summary(worldId: string, caseId: string): Promise<CaseSummary> {
    const row = await this.row(worldId, caseId);
    const n = await this.#ctx.store.db
      .selectFrom('moderation_reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    return summaryOf(row, Number(n.n), await this.#ctx.worlds.pseudonymsOf(worldId));
  }

  /** An internal note (never shown to reporter or subject). @throws MvidError not_found */
  async note(worldId: string, caseId: string, authorPersonId: string | null, body: string): Promise<{ id: string; createdAt: string }> {
    await this.row(worldId, caseId);
    const id = newId(this.#ctx, 'mn');
    const createdAt = nowIso(this.#ctx);
    await this.#ctx.store.db
      .insertInto('moderation_notes')
      .values({ id, case_id: caseId, author_person_id: authorPersonId, text: text(body, 'text', 4000), created_at: createdAt })
      .execute();
    return { id, createdAt };
  }

  /**
   * Evidence bytes of a case, integrity-checked by the store on read.
   * @throws MvidError not_found when the hash is not cited by a report of this case | blob_integrity | blob_not_found
   */
  async evidence(worldId: string, caseId: string, sha256: string): Promise<{ bytes: Uint8Array; contentType: string }> {
    await this.row(worldId, caseId);
    const reports = await this.#ctx.store.db
      .selectFrom('moderation_reports')
      .select('evidence_json')
      .where('case_id', '=', caseId)
      .execute();
    const cited = reports.flatMap((r) => JSON.parse(r.evidence_json) as EvidenceRef[]).find((e) => e.sha256 === sha256);
    if (!cited) throw new MvidError('not_found', 'no such evidence in this case');
    const blob = await this.#ctx.evidence.get(sha256);
    // The hash pins the bytes, not the stored type: the type recorded on the report is the one trusted.
    if (blob.contentType !== cited.contentType)
      throw new MvidError('blob_integrity', 'the stored evidence type differs from the one recorded on the report');
    return blob;
  }
}
