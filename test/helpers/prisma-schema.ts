import { readFileSync } from 'node:fs';

export interface SchemaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
  relation: boolean;
  dbType?: string;
  unique: boolean;
  id: boolean;
}
export interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
  uniques: string[][];
  indexes: string[][];
  compositeId?: string[];
}
export interface ParsedSchema {
  models: SchemaModel[];
  enums: Map<string, string[]>;
}

/**
 * A deliberately small reader of prisma/schema.prisma: blocks, fields, @map/@@map,
 * @db.*, @unique/@@unique/@@index/@@id. Enough to check the hand-written SQL
 * migrations against it; a construct it does not know fails the test loudly.
 */
export function parsePrismaSchema(path: string): ParsedSchema {
  const text = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
  const enums = new Map<string, string[]>();
  for (const match of text.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) {
    enums.set(match[1], match[2].split(/\s+/).filter(Boolean));
  }
  const enumNames = new Set(enums.keys());
  const modelNames = new Set([...text.matchAll(/model\s+(\w+)\s*\{/g)].map((m) => m[1]));
  const models: SchemaModel[] = [];
  for (const match of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const model: SchemaModel = { name: match[1], table: match[1], fields: [], uniques: [], indexes: [] };
    const columnOf = new Map<string, string>();
    const blockAttrs: string[] = [];
    for (const raw of match[2].split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('@@')) {
        blockAttrs.push(line);
        continue;
      }
      const [name, typeToken, ...rest] = line.split(/\s+/);
      const attrs = rest.join(' ');
      const baseType = typeToken.replace(/[?[\]]/g, '');
      const relation = modelNames.has(baseType);
      const known = ['String', 'Int', 'BigInt', 'Boolean', 'DateTime', 'Json', 'Float', 'Decimal', 'Bytes'];
      if (!relation && !enumNames.has(baseType) && !known.includes(baseType)) throw new Error(`unknown type ${typeToken}`);
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? name;
      columnOf.set(name, column);
      model.fields.push({
        name,
        column,
        type: baseType,
        optional: typeToken.endsWith('?'),
        list: typeToken.endsWith('[]'),
        relation,
        dbType: /@db\.(\w+)/.exec(attrs)?.[1],
        unique: /@unique\b/.test(attrs),
        id: /@id\b/.test(attrs),
      });
    }
    const cols = (list: string) => list.split(',').map((f) => columnOf.get(f.trim().split('(')[0])!);
    for (const attr of blockAttrs) {
      const args = /\[([^\]]+)\]/.exec(attr)?.[1];
      if (attr.startsWith('@@map')) model.table = /"([^"]+)"/.exec(attr)![1];
      else if (attr.startsWith('@@unique')) model.uniques.push(cols(args!));
      else if (attr.startsWith('@@index')) model.indexes.push(cols(args!));
      else if (attr.startsWith('@@id')) model.compositeId = cols(args!);
      else throw new Error(`unknown block attribute ${attr}`);
    }
    for (const field of model.fields) if (field.unique) model.uniques.push([field.column]);
    models.push(model);
  }
  return { models, enums };
}

/** The PostgreSQL type Prisma's migration engine creates for a scalar field. */
export function expectedPgType(field: SchemaField, enums: Map<string, string[]>): { dataType: string; udt: string } {
  if (field.list) return { dataType: 'ARRAY', udt: `_${expectedPgType({ ...field, list: false }, enums).udt}` };
  if (enums.has(field.type)) return { dataType: 'USER-DEFINED', udt: field.type };
  if (field.dbType === 'Uuid') return { dataType: 'uuid', udt: 'uuid' };
  if (field.dbType === 'Timestamptz') return { dataType: 'timestamp with time zone', udt: 'timestamptz' };
  const map: Record<string, { dataType: string; udt: string }> = {
    String: { dataType: 'text', udt: 'text' },
    Int: { dataType: 'integer', udt: 'int4' },
    BigInt: { dataType: 'bigint', udt: 'int8' },
    Boolean: { dataType: 'boolean', udt: 'bool' },
    DateTime: { dataType: 'timestamp without time zone', udt: 'timestamp' },
    Json: { dataType: 'jsonb', udt: 'jsonb' },
    Float: { dataType: 'double precision', udt: 'float8' },
  };
  return map[field.type];
}
