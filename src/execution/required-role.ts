import { ROLES, type PatternDefinition, type Role } from '../patterns/definition.js';

/** The role each kind of action needs unless its pattern asks for more. */
const ROLE_BY_ACTION_KIND = { read: 'readonly', write: 'agent', effect: 'agent' } as const satisfies Record<
  PatternDefinition['actionInfo']['kind'],
  Role
>;

/** The role running a pattern needs: its action's, raised (never lowered) by its `required_role`. */
export function requiredRoleFor(pattern: PatternDefinition): Role {
  const byAction = ROLE_BY_ACTION_KIND[pattern.actionInfo.kind];
  const declared = pattern.requiredRole;
  return declared !== undefined && ROLES.indexOf(declared) > ROLES.indexOf(byAction) ? declared : byAction;
}
