/** The graph database of every command that reads or writes one, unless `--db` names another. */
export const DEFAULT_DB = process.env.HUBBLE_AUDITOR_DB ?? "./data/hubble-auditor.db";
