/**
 * What the schema check reports: each finding names its kind, a stable code and the schema
 * coordinate it is about (Type, Type.field, Type.field(arg:)), so output can be grepped and
 * breaking changes can be acknowledged by code + path.
 */
export type FindingKind =
  | 'composition' // the subgraphs do not compose
  | 'stale' // schema/supergraph.graphql is not what the subgraph files compose to
  | 'baseline' // the released baseline is missing or unreadable
  | 'breaking' // an API change that breaks existing clients
  | 'dangerous' // an API change that may change the behaviour of existing clients
  | 'operation' // a known client operation no longer validates
  | 'acknowledgement' // the acknowledgement file itself is wrong or out of date
  | 'hint'; // a composition hint

export interface Finding {
  kind: FindingKind;
  code: string;
  /** Schema coordinate, or a file path for findings about a file. */
  path: string;
  message: string;
  /** For operation findings: the operation's name and file. */
  operation?: string;
  file?: string;
}

export function formatFinding(f: Finding): string {
  const where = f.operation ? ` in operation ${f.operation}${f.file ? ` (${f.file})` : ''}` : f.file ? ` (${f.file})` : '';
  return `  ${f.kind} ${f.code} ${f.path}${where}: ${f.message}`;
}

/** The first schema coordinate quoted in a composition message, e.g. "Money.amountMinor". */
export function coordinateIn(message: string): string | undefined {
  return /"([_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*)?(?:\([_A-Za-z][_0-9A-Za-z]*:\))?)"/.exec(message)?.[1];
}
