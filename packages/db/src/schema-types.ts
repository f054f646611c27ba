import { sql, type Kysely } from 'kysely';

interface ColumnInfo {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  has_default: boolean;
}

/** Types whose insert/update form differs from what a select returns. */
const WRITE_TYPES: Record<string, string> = { timestamptz: 'Date | string', jsonb: 'string', json: 'string' };

const TS_TYPES: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  int2: 'number',
  int4: 'number',
  int8: 'number',
  numeric: 'string',
  bool: 'boolean',
  timestamptz: 'Date',
  date: 'string',
  jsonb: 'JsonValue',
  json: 'JsonValue',
  bytea: 'Buffer',
  inet: 'string',
};

function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

interface CheckInfo {
  table_name: string;
  column_name: string;
  definition: string;
}

/**
 * The values a one-column CHECK allows when it is exactly `column in ('a', 'b')`, which PostgreSQL keeps as
 * `CHECK ((column = ANY (ARRAY['a'::text, 'b'::text])))`. Anything else (ranges, patterns, several columns) is
 * left to the column's plain type.
 */
function allowedValues(check: CheckInfo): string[] | undefined {
  const match = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(check.definition);
  if (!match || match[1] !== check.column_name) return undefined;
  const items = match[2]?.split(', ') ?? [];
  const values = items
    .map((item) => /^'([^']*)'::text$/.exec(item)?.[1])
    .filter((value) => value !== undefined);
  // A value the pattern cannot read (a quote inside it, another type) leaves the column a plain string.
  return values.length && values.length === items.length ? values : undefined;
}

function columnType(column: ColumnInfo, values: string[] | undefined): string {
  const element = column.udt_name.startsWith('_') ? column.udt_name.slice(1) : column.udt_name;
  const base =
    values && element === 'text' ? values.map((value) => `'${value}'`).join(' | ') : TS_TYPES[element];
  if (!base)
    throw new Error(`no TypeScript type for ${column.table_name}.${column.column_name} (${column.udt_name})`);
  const isArray = column.udt_name.startsWith('_');
  const nullable = column.is_nullable === 'YES' ? ' | null' : '';
  const select = `${isArray ? `${base}[]` : base}${nullable}`;
  const write = WRITE_TYPES[element];
  if (!write || isArray) return column.has_default ? `Generated<${select}>` : select;
  const optional = column.has_default || nullable ? ' | undefined' : '';
  return `ColumnType<${select}, ${write}${nullable}${optional}, ${write}${nullable}>`;
}

/** Renders the `Database` interface from the live schema, so the types can never drift from the migrations. */
export async function renderSchemaTypes<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<ColumnInfo>`
    select table_name, column_name, udt_name, is_nullable, (column_default is not null or is_identity = 'YES') as has_default
    from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_migration%'
    order by table_name, ordinal_position`.execute(db);

  // One-column CHECK constraints, so `status in (...)` columns are typed as the union of their values.
  const { rows: checks } = await sql<CheckInfo>`
    select c.conrelid::regclass::text as table_name, a.attname as column_name,
      pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'c' and c.connamespace = 'public'::regnamespace and cardinality(c.conkey) = 1`.execute(
    db,
  );
  const unions = new Map<string, string[]>();
  for (const check of checks) {
    const values = allowedValues(check);
    if (values) unions.set(`${check.table_name}.${check.column_name}`, values);
  }

  const tables = new Map<string, ColumnInfo[]>();
  for (const row of rows) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row]);

  const lines = [
    '// Generated from the migrated schema by `pnpm --filter @ipay/db db:types`; a test fails when it is stale.',
    "import type { ColumnType, Generated } from 'kysely';",
    '',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
    '// timestamptz columns read as Date; jsonb columns are written as JSON text (JSON.stringify), so arrays are',
    '// never mistaken for SQL arrays.',
    '',
  ];
  for (const [table, columns] of tables) {
    lines.push(`export interface ${pascalCase(table)}Table {`);
    for (const column of columns)
      lines.push(
        `  ${column.column_name}: ${columnType(column, unions.get(`${table}.${column.column_name}`))};`,
      );
    lines.push('}', '');
  }
  lines.push('export interface Database {');
  for (const table of tables.keys()) lines.push(`  ${table}: ${pascalCase(table)}Table;`);
  lines.push('}', '');
  return lines.join('\n');
}
