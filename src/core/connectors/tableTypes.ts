/** How the tree shows one kind of table a connector lists. */
export interface TableKind {
  /** Codicon id. */
  icon: string;
  /** A view of some sort: the context menu says "view", not "table". */
  view?: boolean;
}

/** The kinds most SQL servers share; a connector spec adds or overrides its own (tableTypes). */
export const commonTableKinds: Readonly<Record<string, TableKind>> = {
  TABLE: { icon: 'table' },
  VIEW: { icon: 'eye', view: true },
  'SYSTEM VIEW': { icon: 'eye', view: true },
};

/** What the tree shows for a kind a connector reported: its spec's word, the common one, or a table's. */
export function tableKind(type: string, own: Readonly<Record<string, TableKind>> | undefined): TableKind {
  return own?.[type] ?? commonTableKinds[type] ?? { icon: 'table', view: /\bVIEW\b/.test(type) };
}
