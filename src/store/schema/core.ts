/** Tables owned by the foundation. */
export interface ServiceMetaTable {
  key: string;
  value: string;
  updated_at: string;
}

/** A fixed-window abuse counter (src/abuse); `key_hash` hides the bucket and key (an IP, a client id). */
export interface AbuseCountersTable {
  key_hash: string;
  window_start: number;
  window_end: number;
  hits: number;
}

export interface CoreTables {
  service_meta: ServiceMetaTable;
  abuse_counters: AbuseCountersTable;
}
