/** TypeBox schemas of the moderation API: closed request bodies with limits, closed responses (no field slips out). */
import { type TSchema, Type } from '@sinclair/typebox';
import { MODERATION_ROLES, SANCTION_TYPES } from '../../moderation/index.ts';

const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[A-Za-z0-9_-]{16}$` });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Counts = Type.Record(Type.String(), Type.Integer());
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Subject = Type.String({
  minLength: 1,
  maxLength: 128,
  description:
    "The world's pseudonym for the person (the OIDC `sub`, or the blind sign-in pseudonym; answers name persons by the kind the world is registered with), or their handle there.",
});

export const WorldParams = Type.Object({ worldId: Text(64) }, { additionalProperties: false });
export const CaseParams = Type.Object({ worldId: Text(64), caseId: Id('mc') }, { additionalProperties: false });
export const EvidenceParams = Type.Object({ worldId: Text(64), caseId: Id('mc'), sha256: Sha256 }, { additionalProperties: false });
export const ReportParams = Type.Object({ worldId: Text(64), reportId: Id('mr') }, { additionalProperties: false });
export const AppealParams = Type.Object({ worldId: Text(64), appealId: Id('ma') }, { additionalProperties: false });
export const DecisionParams = Type.Object({ decisionId: Id('md') }, { additionalProperties: false });
export const SubjectParams = Type.Object({ worldId: Text(64), subject: Subject }, { additionalProperties: false });
export const RoleParams = Type.Object(
  { worldId: Text(64), role: Type.Union(MODERATION_ROLES.map((r) => Type.Literal(r))), subject: Subject },
  { additionalProperties: false },
);

export const EvidenceRef = Type.Object({ sha256: Sha256, contentType: Type.String(), size: Type.Integer() });

export const ReportBody = Type.Object(
  {
    reporter: Type.Optional(Nullable(Subject)),
    anonymous: Type.Optional(Type.Boolean({ description: 'A person reporting: file without your pseudonym on the report.' })),
    subject: Subject,
    category: Type.String({ minLength: 1, maxLength: 64, description: "One of the world's published rule categories." }),
    text: Text(4000),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
    location: Type.Optional(Text(200)),
    evidence: Type.Optional(Type.Array(Sha256, { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const ReportFiled = Type.Object({
  reportId: Type.String(),
  status: Type.Literal('open'),
  caseId: Type.Optional(Type.String({ description: 'Only for the world itself; a person reporter never sees the case.' })),
  priority: Type.Integer(),
});

export const ReportView = Type.Object({
  id: Type.String(),
  worldId: Type.String(),
  category: Type.String(),
  status: Type.String(),
  outcome: Nullable(Type.Object({ decision: Type.String(), decidedAt: Type.String() })),
  createdAt: Type.String(),
});

const Rule = Type.Object({ category: Type.String(), text: Type.String() });
export const Statement = Type.Object({
  sanction: Type.Object({
    type: Type.String(),
    startsAt: Type.String(),
    endsAt: Nullable(Type.String()),
    features: Type.Array(Type.String()),
  }),
  facts: Type.String(),
  automated: Type.Object({ detection: Type.Boolean(), decision: Type.Boolean() }),
  rule: Rule,
  source: Type.String(),
  redress: Type.Object({
    appeal: Type.Object({ until: Type.String(), how: Type.String() }),
    disputeSettlement: Nullable(Type.String()),
    judicial: Type.String(),
  }),
  escalated: Type.Boolean(),
  world: Type.Object({ id: Type.String(), name: Type.String() }),
  decidedAt: Type.String(),
  transparencyDatabase: Type.Object(
    {},
    { additionalProperties: true, description: 'A DSA Transparency Database statement (API v1), without personal data.' },
  ),
});

const CaseSummaryProps = {
  id: Type.String(),
  worldId: Type.String(),
  subject: Type.String(),
  category: Type.String(),
  priority: Type.Integer(),
  status: Type.String(),
  assignedTo: Nullable(Type.String()),
  reports: Type.Integer(),
  openedAt: Type.String(),
  decidedAt: Nullable(Type.String()),
};
export const CaseSummary = Type.Object(CaseSummaryProps);
export const CaseQueue = Type.Object({ cases: Type.Array(CaseSummary) });
export const QueueQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union([Type.Literal('priority'), Type.Literal('age')], { default: 'priority' })),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('decided')], { default: 'open' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export const CaseFile = Type.Object({
  ...CaseSummaryProps,
  reportList: Type.Array(
    Type.Object({
      id: Type.String(),
      channel: Type.String(),
      reporter: Nullable(Type.String()),
      text: Type.String(),
      occurredAt: Nullable(Type.String()),
      location: Nullable(Type.String()),
      evidence: Type.Array(EvidenceRef),
      priority: Type.Integer(),
      createdAt: Type.String(),
    }),
  ),
  notes: Type.Array(Type.Object({ id: Type.String(), author: Nullable(Type.String()), text: Type.String(), createdAt: Type.String() })),
  decisions: Type.Array(
    Type.Object({
      id: Type.String(),
      moderator: Type.String(),
      statement: Statement,
      decidedAt: Type.String(),
      appeal: Nullable(
        Type.Object({
          id: Type.String(),
          status: Type.String(),
          text: Type.String(),
          filedAt: Type.String(),
          reasons: Nullable(Type.String()),
          decidedAt: Nullable(Type.String()),
        }),
      ),
    }),
  ),
});

export const AssignBody = Type.Object({ moderator: Type.Optional(Subject) }, { additionalProperties: false });
export const NoteBody = Type.Object({ text: Text(4000) }, { additionalProperties: false });
export const NoteCreated = Type.Object({ id: Type.String(), createdAt: Type.String() });

export const DecisionBody = Type.Object(
  {
    facts: Text(8000, 10),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    sanction: Type.Object(
      {
        type: Type.Union(SANCTION_TYPES.map((t) => Type.Literal(t))),
        durationDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
        until: Type.Optional(Type.String({ format: 'date-time' })),
        features: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
      },
      { additionalProperties: false },
    ),
    automated: Type.Optional(
      Type.Object({ detection: Type.Optional(Type.Boolean()), decision: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    ),
    dsaCategory: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export const DecisionMade = Type.Object({ decisionId: Type.String(), sanctionId: Nullable(Type.String()), statement: Statement });

export const AppealBody = Type.Object({ text: Text(4000) }, { additionalProperties: false });
export const AppealFiled = Type.Object({ appealId: Type.String(), worldId: Type.String(), filedAt: Type.String() });
export const AppealDecisionBody = Type.Object(
  { outcome: Type.Union([Type.Literal('uphold'), Type.Literal('reverse')]), reasons: Text(4000, 10) },
  { additionalProperties: false },
);
export const AppealDecided = Type.Object({ appealId: Type.String(), status: Type.String(), decidedAt: Type.String() });
export const AppealQueue = Type.Object({
  appeals: Type.Array(
    Type.Object({
      id: Type.String(),
      decisionId: Type.String(),
      caseId: Type.String(),
      subject: Type.String(),
      text: Type.String(),
      filedAt: Type.String(),
    }),
  ),
});

export const RoleBody = Type.Object(
  { subject: Subject, role: Type.Union(MODERATION_ROLES.map((r) => Type.Literal(r))) },
  { additionalProperties: false },
);
export const RoleGranted = Type.Object({ subject: Type.String(), role: Type.String() });
export const RoleList = Type.Object({
  roles: Type.Array(Type.Object({ subject: Type.String(), role: Type.String(), grantedAt: Type.String() })),
});

export const SettingsBody = Type.Object(
  {
    appealWindowDays: Type.Optional(Type.Integer({ minimum: 14, maximum: 3650 })),
    repeatOffender: Type.Optional(
      Type.Object(
        {
          threshold: Type.Integer({ minimum: 1, maximum: 100 }),
          windowDays: Type.Integer({ minimum: 1, maximum: 3650 }),
          escalateTo: Type.Union([Type.Literal('suspension'), Type.Literal('ban')]),
          suspensionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        },
        { additionalProperties: false },
      ),
    ),
    disputeSettlement: Type.Optional(Nullable(Text(500))),
  },
  { additionalProperties: false },
);
export const Settings = Type.Object({
  appealWindowDays: Type.Integer(),
  repeatOffender: Type.Object({
    threshold: Type.Integer(),
    windowDays: Type.Integer(),
    escalateTo: Type.String(),
    suspensionDays: Type.Integer(),
  }),
  disputeSettlement: Nullable(Type.String()),
});

export const Sanction = Type.Object({
  id: Type.String(),
  decisionId: Type.String(),
  type: Type.String(),
  features: Type.Array(Type.String()),
  reason: Type.String(),
  startsAt: Type.String(),
  endsAt: Nullable(Type.String()),
  status: Type.String(),
});
export const StandingView = Type.Object({
  subject: Type.String(),
  state: Type.String(),
  until: Nullable(Type.String()),
  features: Type.Array(Type.String()),
  sanctions: Type.Array(Sanction),
});

const Trust = Type.Object({ level: Type.String(), reasons: Type.Array(Type.String()) });
export const PersonView = Type.Object({
  worldId: Type.String(),
  worldName: Type.String(),
  state: Type.String(),
  sanctions: Type.Array(Sanction),
  decisions: Type.Array(
    Type.Object({
      id: Type.String(),
      statement: Statement,
      decidedAt: Type.String(),
      appeal: Nullable(
        Type.Object({ id: Type.String(), status: Type.String(), reasons: Nullable(Type.String()), decidedAt: Nullable(Type.String()) }),
      ),
    }),
  ),
  trust: Trust,
});
export const NoticeList = Type.Object({
  notices: Type.Array(
    Type.Object({
      id: Type.String(),
      worldId: Type.String(),
      kind: Type.String(),
      body: Type.Object({}, { additionalProperties: true }),
      createdAt: Type.String(),
    }),
  ),
});

export const Statistics = Type.Object({
  worldId: Type.String(),
  worldName: Type.String(),
  generatedAt: Type.String(),
  reports: Type.Object({ total: Type.Integer(), fromTrustedFlaggers: Type.Integer(), byCategory: Counts, byChannel: Counts }),
  decisions: Type.Object({ total: Type.Integer(), byCategory: Counts, bySanction: Counts, automated: Type.Integer() }),
  sanctions: Type.Object({ byType: Counts, inForce: Type.Integer() }),
  medianTimeToDecisionSeconds: Nullable(Type.Number()),
  appeals: Type.Object({ filed: Type.Integer(), open: Type.Integer(), upheld: Type.Integer(), reversed: Type.Integer() }),
});
