/** Tables owned by the foundation. */
export interface ServiceMetaTable {
  key: string;
  value: string;
  updated_at: string;
}

/** The deployment's service keys (src/keys): fingerprint always, sealed copy under the KEK when there is one. */
export interface ServiceKeysTable {
  name: string;
  fingerprint: string;
  sealed: string | null;
  created_at: string;
}

/** One row per background job (src/store/jobs.ts): when it is next due, and who claimed the current run. */
export interface JobRunsTable {
  name: string;
  fence: number;
  holder: string;
  claimed_at: string;
  next_run_at: string;
  finished_at: string | null;
}

export interface CoreTables {
  job_runs: JobRunsTable;
  service_meta: ServiceMetaTable;
  service_keys: ServiceKeysTable;
}
