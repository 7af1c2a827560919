import {
  ColumnNode,
  OperationNodeTransformer,
  PrimitiveValueListNode,
  ReferenceNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type BinaryOperationNode,
  type ColumnUpdateNode,
  type InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { TIME_COLUMNS } from '../schema.js';

/**
 * MySQL and MariaDB refuse ISO-8601 text with a zone (`…T09:30:00.000Z`) for a DATETIME, yet that
 * is the one time form amiq's code passes on every engine. This plugin rewrites a text value bound
 * to a time column (set, inserted, or compared) into MySQL's UTC form `YYYY-MM-DD HH:MM:SS.mmm`.
 * Only values next to a time column are touched: a tag that happens to look like a time stays text.
 */
export class MysqlTimeParamsPlugin implements KyselyPlugin {
  readonly #transformer = new TimeParamsTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** ISO text naming an instant → MySQL DATETIME text in UTC; anything else unchanged (MySQL judges it). */
export function toMysqlTime(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value)) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return value;
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function columnName(node: OperationNode): string | undefined {
  if (ColumnNode.is(node)) return node.column.name;
  if (ReferenceNode.is(node) && ColumnNode.is(node.column)) return node.column.column.name;
  return undefined;
}

function convert(node: OperationNode): OperationNode {
  if (ValueNode.is(node)) return ValueNode.create(toMysqlTime(node.value));
  if (PrimitiveValueListNode.is(node)) return PrimitiveValueListNode.create(node.values.map(toMysqlTime));
  if (ValueListNode.is(node)) return ValueListNode.create(node.values.map(convert));
  return node;
}

class TimeParamsTransformer extends OperationNodeTransformer {
  protected override transformColumnUpdate(node: ColumnUpdateNode): ColumnUpdateNode {
    const out = super.transformColumnUpdate(node);
    const name = columnName(out.column);
    return name !== undefined && TIME_COLUMNS.has(name) ? { ...out, value: convert(out.value) } : out;
  }

  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const out = super.transformBinaryOperation(node);
    const name = columnName(out.leftOperand);
    return name !== undefined && TIME_COLUMNS.has(name) ? { ...out, rightOperand: convert(out.rightOperand) } : out;
  }

  protected override transformInsertQuery(node: InsertQueryNode): InsertQueryNode {
    const out = super.transformInsertQuery(node);
    const timeAt = (out.columns ?? []).map((c) => TIME_COLUMNS.has(c.column.name));
    if (!timeAt.includes(true) || out.values === undefined || !ValuesNode.is(out.values)) return out;
    const values = out.values.values.map((row) =>
      PrimitiveValueListNode.is(row)
        ? PrimitiveValueListNode.create(row.values.map((v, i) => (timeAt[i] ? toMysqlTime(v) : v)))
        : ValueListNode.create(row.values.map((v, i) => (timeAt[i] ? convert(v) : v))),
    );
    return { ...out, values: ValuesNode.create(values) };
  }
}
