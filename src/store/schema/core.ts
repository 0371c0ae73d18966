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

export interface CoreTables {
  service_meta: ServiceMetaTable;
  service_keys: ServiceKeysTable;
}
