/**
 * What a PostgreSQL statement can run, found in the catalogs before anything is planned. A volatility
 * label is its author's claim: a function labelled STABLE or IMMUTABLE may end sessions or write
 * through another connection, and the planner runs IMMUTABLE (and, to estimate, STABLE) functions on
 * constants while it plans, so even an EXPLAIN would run them. So, before the EXPLAIN, every object the
 * statement names is resolved in the catalogs (functions, relations, types, operators) and followed:
 * views to their rules, tables to their row-level security policies, operators to their functions,
 * aggregates to their support functions, domains to their checks, types to their casts and to the
 * comparison functions of their operator classes (a sort runs them), functions to
 * what they depend on; and the body of every SQL and PL/pgSQL function on the way is read with the
 * same lexer, for writes, dynamic SQL and the names it calls, which are followed in turn (bounded).
 */
import { readBody, references, type References } from './references';

/** The transaction-local setting the verdict leaves for the gate. */
const guardSetting = 'planasonix.guard';
const reviewMark = 'planasonix-guard-review';

/** Objects created by initdb have OIDs below this: the server's own, judged by name, never expanded. */
const firstUserOid = 16384;
/** Rounds of "read the bodies, resolve what they name": how deep calls nest before the guard gives up. */
export const maxRounds = 8;
/** Catalog objects one statement may reach before the guard gives up. */
export const maxObjects = 5000;

/** pg_catalog functions that run SQL text, or read a relation, schema or database named in an argument. */
export const sqlTextRunners: ReadonlySet<string> = new Set([
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'ts_stat',
]);
/** The C symbols of SQL-text runners that share a name with a harmless overload (ts_rewrite(tsquery, text)). */
const sqlTextSymbols: ReadonlySet<string> = new Set(['tsquery_rewrite_query']);

/**
 * One round: resolve the names (functions visible on the search path or in the schema named,
 * relations, types, operators) and walk every edge from them. Rows: the object (class and OID), the
 * object it was reached from (0 for a seed), its description, and for functions what judging needs.
 */
/** The recursive walk both forms share: $1 names, $2/$3 qualified names, $4 operators, $5 call names. */
const walkSql = `
WITH RECURSIVE
names(n) AS (SELECT unnest($1::text[])),
qual(s, n) AS (SELECT * FROM unnest($2::text[], $3::text[])),
calls(n) AS (SELECT unnest($5::text[])),
seed(cls, oid) AS (
  SELECT 'pg_proc'::regclass::oid, p.oid FROM pg_catalog.pg_proc p
    WHERE p.proname IN (SELECT n FROM calls) AND pg_catalog.pg_function_is_visible(p.oid)
  UNION SELECT 'pg_proc'::regclass::oid, p.oid FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace ns ON ns.oid = p.pronamespace JOIN qual q ON q.s = ns.nspname AND q.n = p.proname
  UNION SELECT 'pg_class'::regclass::oid, c.oid FROM pg_catalog.pg_class c
    WHERE c.oid >= ${firstUserOid} AND c.relname IN (SELECT n FROM names) AND pg_catalog.pg_table_is_visible(c.oid)
  UNION SELECT 'pg_class'::regclass::oid, c.oid FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace JOIN qual q ON q.s = ns.nspname AND q.n = c.relname WHERE c.oid >= ${firstUserOid}
  UNION SELECT 'pg_type'::regclass::oid, t.oid FROM pg_catalog.pg_type t
    WHERE t.oid >= ${firstUserOid} AND t.typname IN (SELECT n FROM names) AND pg_catalog.pg_type_is_visible(t.oid)
  UNION SELECT 'pg_type'::regclass::oid, t.oid FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace ns ON ns.oid = t.typnamespace JOIN qual q ON q.s = ns.nspname AND q.n = t.typname WHERE t.oid >= ${firstUserOid}
  UNION SELECT 'pg_operator'::regclass::oid, o.oid FROM pg_catalog.pg_operator o
    WHERE o.oid >= ${firstUserOid} AND o.oprname = ANY($4::text[])
),
walk(cls, oid, pcls, poid) AS (
  SELECT cls, oid, 0::oid, 0::oid FROM seed
  UNION
  SELECT e.cls, e.oid, w.cls, w.oid FROM walk w CROSS JOIN LATERAL (
    SELECT d.refclassid, d.refobjid FROM pg_catalog.pg_depend d
      WHERE d.classid = w.cls AND d.objid = w.oid AND d.deptype = 'n'
        AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass, 'pg_class'::regclass, 'pg_type'::regclass)
        AND (d.refclassid = 'pg_proc'::regclass OR d.refobjid >= ${firstUserOid})
    -- Calls stored in parsed expressions (a view's query, a policy, a domain check, argument defaults),
    -- read from the node trees themselves: the server records no dependency on its own built-in
    -- functions, so pg_depend alone would not show a view calling pg_advisory_lock().
    UNION ALL SELECT 'pg_proc'::regclass, m[1]::oid FROM pg_catalog.pg_rewrite r,
        regexp_matches(r.ev_action::text, ':(?:funcid|opfuncid|aggfnoid|winfnoid) (\\d+)', 'g') m
      WHERE w.cls = 'pg_rewrite'::regclass AND r.oid = w.oid AND m[1] <> '0'
    UNION ALL SELECT 'pg_proc'::regclass, m[1]::oid FROM pg_catalog.pg_policy p,
        regexp_matches(COALESCE(p.polqual::text, '') || COALESCE(p.polwithcheck::text, ''), ':(?:funcid|opfuncid|aggfnoid|winfnoid) (\\d+)', 'g') m
      WHERE w.cls = 'pg_policy'::regclass AND p.oid = w.oid AND m[1] <> '0'
    UNION ALL SELECT 'pg_proc'::regclass, m[1]::oid FROM pg_catalog.pg_constraint c,
        regexp_matches(COALESCE(c.conbin::text, ''), ':(?:funcid|opfuncid|aggfnoid|winfnoid) (\\d+)', 'g') m
      WHERE w.cls = 'pg_constraint'::regclass AND c.oid = w.oid AND m[1] <> '0'
    UNION ALL SELECT 'pg_proc'::regclass, m[1]::oid FROM pg_catalog.pg_proc p,
        regexp_matches(COALESCE(p.proargdefaults::text, ''), ':(?:funcid|opfuncid|aggfnoid|winfnoid) (\\d+)', 'g') m
      WHERE w.cls = 'pg_proc'::regclass AND p.oid = w.oid AND m[1] <> '0'
    UNION ALL SELECT 'pg_rewrite'::regclass, r.oid FROM pg_catalog.pg_rewrite r WHERE w.cls = 'pg_class'::regclass AND r.ev_class = w.oid
    UNION ALL SELECT 'pg_policy'::regclass, p.oid FROM pg_catalog.pg_policy p WHERE w.cls = 'pg_class'::regclass AND p.polrelid = w.oid
    UNION ALL SELECT 'pg_proc'::regclass, x FROM pg_catalog.pg_operator o,
        unnest(ARRAY[o.oprcode::oid, o.oprrest::oid, o.oprjoin::oid]) x
      WHERE w.cls = 'pg_operator'::regclass AND o.oid = w.oid AND x <> 0
    UNION ALL SELECT 'pg_proc'::regclass, x FROM pg_catalog.pg_aggregate a,
        unnest(ARRAY[a.aggtransfn::oid, a.aggfinalfn::oid, a.aggcombinefn::oid, a.aggserialfn::oid, a.aggdeserialfn::oid,
                     a.aggmtransfn::oid, a.aggminvtransfn::oid, a.aggmfinalfn::oid]) x
      WHERE w.cls = 'pg_proc'::regclass AND a.aggfnoid = w.oid AND x <> 0
    UNION ALL SELECT 'pg_operator'::regclass, a.aggsortop FROM pg_catalog.pg_aggregate a
      WHERE w.cls = 'pg_proc'::regclass AND a.aggfnoid = w.oid AND a.aggsortop >= ${firstUserOid}
    UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_catalog.pg_constraint c WHERE w.cls = 'pg_type'::regclass AND c.contypid = w.oid
    UNION ALL SELECT 'pg_type'::regclass, t.typbasetype FROM pg_catalog.pg_type t
      WHERE w.cls = 'pg_type'::regclass AND t.oid = w.oid AND t.typbasetype >= ${firstUserOid}
    UNION ALL SELECT 'pg_proc'::regclass, x FROM pg_catalog.pg_type t,
        unnest(ARRAY[t.typinput::oid, t.typoutput::oid, t.typreceive::oid, t.typsend::oid, t.typmodin::oid, t.typmodout::oid]) x
      WHERE w.cls = 'pg_type'::regclass AND t.oid = w.oid AND x >= ${firstUserOid}
    UNION ALL SELECT 'pg_proc'::regclass, x FROM pg_catalog.pg_range r, unnest(ARRAY[r.rngcanonical::oid, r.rngsubdiff::oid]) x
      WHERE w.cls = 'pg_type'::regclass AND r.rngtypid = w.oid AND x <> 0
    UNION ALL SELECT 'pg_proc'::regclass, ap.amproc::oid FROM pg_catalog.pg_opclass oc
        JOIN pg_catalog.pg_amproc ap ON ap.amprocfamily = oc.opcfamily
      WHERE w.cls = 'pg_type'::regclass AND oc.opcintype = w.oid
    UNION ALL SELECT 'pg_proc'::regclass, c.castfunc FROM pg_catalog.pg_cast c
      WHERE w.cls = 'pg_type'::regclass AND (c.castsource = w.oid OR c.casttarget = w.oid) AND c.castfunc <> 0
  ) e(cls, oid)
  WHERE w.oid >= ${firstUserOid}
),
reached AS (SELECT * FROM walk LIMIT ${maxObjects + 1})`;

export const closureSql = `${walkSql}
SELECT r.cls::int AS cls, r.oid::int AS oid, r.pcls::int AS pcls, r.poid::int AS poid,
  pg_catalog.pg_describe_object(r.cls, r.oid, 0) AS what,
  ns.nspname AS schema, p.proname AS name, p.provolatile AS volatile, l.lanname AS language, p.prosrc AS symbol,
  CASE WHEN r.oid >= ${firstUserOid} AND l.lanname IN ('sql', 'plpgsql') THEN
    -- A BEGIN ATOMIC body is kept parsed: its text is the definition's from BEGIN ATOMIC on.
    CASE WHEN p.prosrc = '' THEN substr(pg_catalog.pg_get_functiondef(p.oid), strpos(pg_catalog.pg_get_functiondef(p.oid), E'\nBEGIN ATOMIC'))
    ELSE p.prosrc END END AS body
FROM reached r
LEFT JOIN pg_catalog.pg_proc p ON r.cls = 'pg_proc'::regclass AND p.oid = r.oid
LEFT JOIN pg_catalog.pg_namespace ns ON ns.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_language l ON l.oid = p.prolang`;

/**
 * The same walk judged on the server, for the pipeline in front of a test query: it sends no row and
 * sets ${guardSetting} to 'clean' when nothing reached needs a closer look (no user function in SQL or
 * PL/pgSQL whose body must be read, nothing refused by label, language or name), else to the review
 * mark, on which the gate statement after it fails so that nothing after it runs. $6 the vetted
 * volatile built-ins, $7 the SQL-text runners, $8 their C symbols.
 */
export const closureVerdictSql = `${walkSql},
flagged AS (
  SELECT 1 FROM reached r
  JOIN pg_catalog.pg_proc p ON r.cls = 'pg_proc'::regclass AND p.oid = r.oid
  JOIN pg_catalog.pg_namespace ns ON ns.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE (r.oid >= ${firstUserOid} AND (p.provolatile = 'v' OR l.lanname NOT IN ('c', 'internal')))
     OR (r.oid < ${firstUserOid} AND ns.nspname = 'pg_catalog'
         AND ((p.provolatile = 'v' AND NOT p.proname = ANY($6::text[])) OR p.proname = ANY($7::text[]) OR p.prosrc = ANY($8::text[])))
  LIMIT 1
),
verdict AS (
  SELECT pg_catalog.set_config('${guardSetting}',
    CASE WHEN EXISTS (SELECT 1 FROM flagged) OR (SELECT count(*) FROM reached) > ${maxObjects} THEN '${reviewMark}' ELSE 'clean' END, true) AS v
)
SELECT FROM verdict WHERE v IS NULL`;

/** Fails (an error naming the review mark) unless the verdict before it in the pipeline was clean. */
export const gateSql = `SELECT WHERE CASE WHEN pg_catalog.current_setting('${guardSetting}') = 'clean' THEN false
  ELSE pg_catalog.current_setting('${guardSetting}')::int IS NULL END`;

/** Whether an error is the gate's: the pipeline stopped before the statement, for a closer look. */
export function isGateError(error: unknown): boolean {
  return error instanceof Error && error.message.includes(reviewMark);
}

/** The values of the verdict statement for a text. */
export function verdictValues(sql: string, vetted: ReadonlySet<string>): unknown[] {
  const refs = references(sql);
  return [
    refs.names,
    refs.qualified.map((q) => q.schema),
    refs.qualified.map((q) => q.name),
    refs.operators,
    refs.calls,
    [...vetted],
    [...sqlTextRunners],
    [...sqlTextSymbols],
  ];
}

export interface ReachedRow {
  cls: number;
  oid: number;
  pcls: number;
  poid: number;
  what: string | null;
  schema: string | null;
  name: string | null;
  volatile: string | null;
  language: string | null;
  symbol: string | null;
  body: string | null;
}

/** Runs one round of the closure query; the session is inside the read-only transaction. */
export type ClosurePort = (values: unknown[]) => Promise<ReachedRow[]>;

/** Why a function may not run, or undefined; `vetted`: pg_catalog's volatile functions that only read. */
function judge(row: ReachedRow, vetted: ReadonlySet<string>): string | undefined {
  const name = `${row.schema ?? '?'}.${row.name ?? '?'}()`;
  if (row.oid < firstUserOid) {
    if (row.schema !== 'pg_catalog') return undefined;
    if (sqlTextRunners.has(row.name ?? '') || sqlTextSymbols.has(row.symbol ?? '')) {
      return `calls ${name}, which runs SQL text or reads a relation named in its argument, which the guard cannot check`;
    }
    if (row.volatile === 'v' && !vetted.has(row.name ?? ''))
      return `calls ${name}, a VOLATILE function: it can act outside the read-only transaction`;
    return undefined;
  }
  if (row.volatile === 'v') return `calls ${name}, a VOLATILE function: it can act outside the read-only transaction`;
  if (row.language === 'sql' || row.language === 'plpgsql') {
    const writes = readBody(row.body ?? '').writes;
    if (writes) return `calls ${name}, whose body contains ${writes}: it writes or runs SQL the guard cannot see`;
    return undefined;
  }
  if (row.language === 'c' || row.language === 'internal') return undefined; // only a superuser installs these; the label is trusted
  return `calls ${name}, written in ${row.language ?? 'an unknown language'}, whose body the guard cannot read`;
}

const key = (cls: number, oid: number): string => `${cls}:${oid}`;

/**
 * Why the statement is refused, or undefined when everything it reaches is known to read. Nothing
 * the statement calls runs: only catalog queries are sent.
 */
export async function closureRefusal(
  sql: string,
  port: ClosurePort,
  vetted: ReadonlySet<string>,
): Promise<string | undefined> {
  const seen = new Map<string, ReachedRow>();
  /** For a function found in a body: the function whose body named it. */
  const namedBy = new Map<string, string>();
  let pending: { refs: References; from?: string }[] = [{ refs: references(sql) }];
  const path = (row: ReachedRow): string => {
    const steps: string[] = [];
    let at: ReachedRow | undefined = row;
    const guard = new Set<string>();
    while (at && !guard.has(key(at.cls, at.oid))) {
      guard.add(key(at.cls, at.oid));
      const k = key(at.cls, at.oid);
      const parent: ReachedRow | undefined = at.poid ? seen.get(key(at.pcls, at.poid)) : seen.get(namedBy.get(k) ?? '');
      if (parent && parent.what && !/^rule _RETURN/.test(parent.what)) steps.unshift(parent.what);
      at = parent;
    }
    return steps.length ? ` (through ${steps.join(' → ')})` : '';
  };
  for (let round = 0; pending.length > 0; round++) {
    if (round >= maxRounds) return `nests function calls deeper than the ${maxRounds} levels the guard follows`;
    const names = new Set<string>();
    const calls = new Set<string>();
    const qualified = new Map<string, { schema: string; name: string }>();
    const operators = new Set<string>();
    for (const { refs } of pending) {
      refs.names.forEach((n) => names.add(n));
      refs.calls.forEach((n) => calls.add(n));
      refs.qualified.forEach((q) => qualified.set(`${q.schema}\u0000${q.name}`, q));
      refs.operators.forEach((o) => operators.add(o));
    }
    const origins = pending.filter((p) => p.from !== undefined);
    const rows = await port([
      [...names],
      [...qualified.values()].map((q) => q.schema),
      [...qualified.values()].map((q) => q.name),
      [...operators],
      [...calls],
    ]);
    if (rows.length > maxObjects) return `reaches more than ${maxObjects} catalog objects, more than the guard checks`;
    const fresh: ReachedRow[] = [];
    for (const row of rows) {
      const k = key(row.cls, row.oid);
      if (seen.has(k)) continue;
      seen.set(k, row);
      fresh.push(row);
      // A seed of a later round was named by a body: the first origin that mentions its name.
      if (!row.poid && origins.length) {
        const origin = origins.find((o) => row.name !== null && o.refs.calls.includes(row.name)) ?? origins[0];
        namedBy.set(k, origin.from!);
      }
    }
    if (seen.size > maxObjects) return `reaches more than ${maxObjects} catalog objects, more than the guard checks`;
    pending = [];
    for (const row of fresh) {
      if (row.name === null) continue; // not a function
      const reason = judge(row, vetted);
      if (reason) return `${reason}${path(row)}`;
      if (row.body) pending.push({ refs: readBody(row.body).refs, from: key(row.cls, row.oid) });
    }
  }
  return undefined;
}
