import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { RoleSummary } from '../auth/schemas';
import { ACTIONS, DATA_SCOPES, RESOURCE_NAMES, type Permission as PermissionShape } from './catalogue';

export const Permission = z
  .object({
    resource: z.enum(RESOURCE_NAMES).describe('What the permission is about'),
    action: z.enum(ACTIONS),
    scope: z
      .enum(DATA_SCOPES)
      .describe(
        "`own` rows, the `organization`, the `carrier`'s parcels (a partner's carrier codes) besides its organization, or `all` organizations",
      ),
  })
  .meta({ id: 'Permission' });

function noRepeatedResourceAction(permissions: PermissionShape[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  permissions.forEach((permission, index) => {
    const key = `${permission.resource}:${permission.action}`;
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: [index], message: `${key} is listed more than once` });
    }
    seen.add(key);
  });
}

const PermissionMatrix = z
  .array(Permission)
  .max(RESOURCE_NAMES.length * ACTIONS.length)
  .superRefine(noRepeatedResourceAction)
  .describe('The full matrix: one entry per resource and action, at most one scope each');

export const Role = z
  .object({
    id: z.uuid(),
    key: z.string().nullable().describe('System role key; null for custom roles'),
    name: z.string(),
    description: z.string(),
    system: z.boolean().describe('System roles are seeded and cannot be deleted'),
    organizationId: z
      .uuid()
      .nullable()
      .describe('Owning organization of a custom role; null for global roles'),
    permissions: z.array(Permission),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const ListRolesInput = PageInput;
export const RolePage = pageOf(Role);

export const CreateRoleInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).default(''),
  organizationId: z
    .uuid()
    .optional()
    .describe(
      'Operators only: the organization the role belongs to; omit for a global role. Others always create in their own organization.',
    ),
  permissions: PermissionMatrix.default([]),
});
export type CreateRoleInput = z.infer<typeof CreateRoleInput>;

export const SetRolePermissionsInput = z.object({
  id: z.uuid().describe('Role id'),
  permissions: PermissionMatrix,
});
export type SetRolePermissionsInput = z.infer<typeof SetRolePermissionsInput>;

export const AssignRoleInput = z.object({
  id: z.uuid().describe('User id'),
  roleId: z.uuid(),
});
export type AssignRoleInput = z.infer<typeof AssignRoleInput>;

export const EffectivePermissions = z
  .object({
    userId: z.uuid(),
    organizationId: z.uuid(),
    roles: z.array(RoleSummary),
    permissions: z
      .array(Permission)
      .describe('Union over all roles; the widest scope wins per resource and action'),
  })
  .meta({ id: 'EffectivePermissions' });
export type EffectivePermissions = z.infer<typeof EffectivePermissions>;
