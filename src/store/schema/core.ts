/** Tables owned by the foundation. */
export interface ServiceMetaTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface CoreTables {
  service_meta: ServiceMetaTable;
}
