/**
 * Breaking and dangerous changes between two API schemas: graphql-js's findBreakingChanges /
 * findDangerousChanges, each mapped to a schema coordinate, plus what those miss (see extraChanges).
 */
import {
  BreakingChangeType,
  DangerousChangeType,
  astFromValue,
  findBreakingChanges,
  findDangerousChanges,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  print,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';
import type { Finding } from './findings';

export interface Changes {
  breaking: Finding[];
  dangerous: Finding[];
}

export function diffApiSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): Changes {
  const extra = extraChanges(oldSchema, newSchema);
  // Upgraded to breaking by extraChanges (a required argument lost its default): not also dangerous.
  const upgraded = new Set(extra.breaking.map((f) => f.path));
  const breaking = findBreakingChanges(oldSchema, newSchema).map(
    (c): Finding => ({ kind: 'breaking', code: c.type, path: pathOf(c.type, c.description), message: c.description }),
  );
  const dangerous = findDangerousChanges(oldSchema, newSchema)
    .map((c): Finding => ({ kind: 'dangerous', code: c.type, path: pathOf(c.type, c.description), message: c.description }))
    .filter((f) => !(f.code === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE && upgraded.has(f.path)));
  return { breaking: [...breaking, ...extra.breaking], dangerous: [...dangerous, ...extra.dangerous] };
}

const NAME = '([_A-Za-z][_0-9A-Za-z]*)';
const re = (s: string) => new RegExp('^' + s.replace(/N/g, NAME));

/** graphql-js describes changes in prose only; these patterns recover the coordinate. */
const PATTERNS: Record<string, Array<[RegExp, (m: RegExpExecArray) => string]>> = {
  [BreakingChangeType.TYPE_REMOVED]: [[re('(?:Standard scalar )?N was removed'), (m) => m[1]]],
  [BreakingChangeType.TYPE_CHANGED_KIND]: [[re('N changed from'), (m) => m[1]]],
  [BreakingChangeType.TYPE_REMOVED_FROM_UNION]: [[re('N was removed from union type N'), (m) => `${m[2]}.${m[1]}`]],
  [DangerousChangeType.TYPE_ADDED_TO_UNION]: [[re('N was added to union type N'), (m) => `${m[2]}.${m[1]}`]],
  [BreakingChangeType.VALUE_REMOVED_FROM_ENUM]: [[re('N was removed from enum type N'), (m) => `${m[2]}.${m[1]}`]],
  [DangerousChangeType.VALUE_ADDED_TO_ENUM]: [[re('N was added to enum type N'), (m) => `${m[2]}.${m[1]}`]],
  [BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED]: [[re('A required field N on input type N'), (m) => `${m[2]}.${m[1]}`]],
  [DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED]: [[re('An optional field N on input type N'), (m) => `${m[2]}.${m[1]}`]],
  [BreakingChangeType.IMPLEMENTED_INTERFACE_REMOVED]: [[re('N no longer implements interface N'), (m) => `${m[1]} implements ${m[2]}`]],
  [DangerousChangeType.IMPLEMENTED_INTERFACE_ADDED]: [[re('N added to interfaces implemented by N'), (m) => `${m[2]} implements ${m[1]}`]],
  [BreakingChangeType.FIELD_REMOVED]: [[re('N\\.N was removed'), (m) => `${m[1]}.${m[2]}`]],
  [BreakingChangeType.FIELD_CHANGED_KIND]: [[re('N\\.N changed type'), (m) => `${m[1]}.${m[2]}`]],
  [BreakingChangeType.REQUIRED_ARG_ADDED]: [[re('A required arg N on N\\.N'), (m) => `${m[2]}.${m[3]}(${m[1]}:)`]],
  [DangerousChangeType.OPTIONAL_ARG_ADDED]: [[re('An optional arg N on N\\.N'), (m) => `${m[2]}.${m[3]}(${m[1]}:)`]],
  [BreakingChangeType.ARG_REMOVED]: [[re('N\\.N arg N'), (m) => `${m[1]}.${m[2]}(${m[3]}:)`]],
  [BreakingChangeType.ARG_CHANGED_KIND]: [[re('N\\.N arg N'), (m) => `${m[1]}.${m[2]}(${m[3]}:)`]],
  [DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE]: [[re('N\\.N arg N'), (m) => `${m[1]}.${m[2]}(${m[3]}:)`]],
  [BreakingChangeType.DIRECTIVE_REMOVED]: [[re('N was removed'), (m) => `@${m[1]}`]],
  [BreakingChangeType.DIRECTIVE_ARG_REMOVED]: [[re('N was removed from N'), (m) => `@${m[2]}(${m[1]}:)`]],
  [BreakingChangeType.REQUIRED_DIRECTIVE_ARG_ADDED]: [[re('A required arg N on directive N'), (m) => `@${m[2]}(${m[1]}:)`]],
  [BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED]: [[re('Repeatable flag was removed from N'), (m) => `@${m[1]}`]],
  [BreakingChangeType.DIRECTIVE_LOCATION_REMOVED]: [[re('N was removed from N'), (m) => `@${m[2]}`]],
};

/** The coordinate a change is about; the description itself if graphql-js ever rewords it. */
export function pathOf(type: string, description: string): string {
  for (const [pattern, path] of PATTERNS[type] ?? []) {
    const m = pattern.exec(description);
    if (m) return path(m);
  }
  return description;
}

const defaultOf = (x: GraphQLArgument | GraphQLInputField): string | undefined => {
  if (x.defaultValue === undefined) return undefined;
  const ast = astFromValue(x.defaultValue, x.type);
  return ast ? print(ast) : String(x.defaultValue);
};

/**
 * What findBreakingChanges (graphql 16) does not report:
 * - a non-null input field or argument losing its default: clients that omitted it now fail
 *   (graphql-js ignores input field defaults and calls the argument case merely dangerous);
 * - any other input field default change (dangerous, as graphql-js rates it for arguments);
 * - an input type becoming @oneOf: inputs that set several fields are now rejected.
 */
function extraChanges(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): Changes {
  const breaking: Finding[] = [];
  const dangerous: Finding[] = [];
  const compareDefault = (path: string, was: GraphQLArgument | GraphQLInputField, now: GraphQLArgument | GraphQLInputField, what: string) => {
    const [before, after] = [defaultOf(was), defaultOf(now)];
    if (before === after) return;
    if (after === undefined && isNonNullType(now.type)) {
      const code = what === 'argument' ? 'REQUIRED_ARG_DEFAULT_REMOVED' : 'REQUIRED_INPUT_FIELD_DEFAULT_REMOVED';
      breaking.push({ kind: 'breaking', code, path, message: `${path} is non-null and lost its default ${before}; clients that omit it now fail.` });
    } else if (what === 'input field') {
      const message = `${path} default changed from ${before ?? '(none)'} to ${after ?? '(none)'}.`;
      dangerous.push({ kind: 'dangerous', code: 'INPUT_FIELD_DEFAULT_VALUE_CHANGE', path, message });
    }
  };
  for (const [name, oldType] of Object.entries(oldSchema.getTypeMap())) {
    const newType = newSchema.getType(name);
    if (isInputObjectType(oldType) && isInputObjectType(newType)) {
      if (!oldType.isOneOf && newType.isOneOf) {
        breaking.push({ kind: 'breaking', code: 'INPUT_BECAME_ONE_OF', path: name, message: `${name} became @oneOf; inputs setting more than one field now fail.` });
      }
      const newFields = newType.getFields();
      for (const [fieldName, oldField] of Object.entries(oldType.getFields())) {
        if (newFields[fieldName]) compareDefault(`${name}.${fieldName}`, oldField, newFields[fieldName], 'input field');
      }
    }
    if ((isObjectType(oldType) || isInterfaceType(oldType)) && (isObjectType(newType) || isInterfaceType(newType))) {
      const newFields = newType.getFields();
      for (const [fieldName, oldField] of Object.entries(oldType.getFields())) {
        const newField = newFields[fieldName];
        for (const oldArg of oldField.args) {
          const newArg = newField?.args.find((a) => a.name === oldArg.name);
          if (newArg) compareDefault(`${name}.${fieldName}(${oldArg.name}:)`, oldArg, newArg, 'argument');
        }
      }
    }
  }
  return { breaking, dangerous };
}
