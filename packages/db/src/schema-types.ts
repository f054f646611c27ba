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

function columnType(column: ColumnInfo): string {
  const element = column.udt_name.startsWith('_') ? column.udt_name.slice(1) : column.udt_name;
  const base = TS_TYPES[element];
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
    for (const column of columns) lines.push(`  ${column.column_name}: ${columnType(column)};`);
    lines.push('}', '');
  }
  lines.push('export interface Database {');
  for (const table of tables.keys()) lines.push(`  ${table}: ${pascalCase(table)}Table;`);
  lines.push('}', '');
  return lines.join('\n');
}
