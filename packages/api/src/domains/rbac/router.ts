import { z } from 'zod';
import { router } from '../../trpc/init';
import { authedProcedure, permittedProcedure } from '../../trpc/procedures';
import {
  AssignRoleInput,
  CreateRoleInput,
  EffectivePermissions,
  ListRolesInput,
  Role,
  RolePage,
  SetRolePermissionsInput,
} from './schemas';
import { assignRole, createRole, getMyPermissions, listRoles, setRolePermissions } from './service';

const tags = ['rbac'];

export const rbacRouter = router({
  myPermissions: authedProcedure
    .meta({
      openapi: { method: 'GET', path: '/api/rbac/me/permissions', tags, summary: 'My effective permissions' },
    })
    .input(z.void())
    .output(EffectivePermissions)
    .query(({ ctx }) => getMyPermissions(ctx.db, ctx.actor)),

  listRoles: permittedProcedure('roles', 'read')
    .meta({
      openapi: { method: 'GET', path: '/api/rbac/roles', tags, summary: 'List roles with their permissions' },
    })
    .input(ListRolesInput)
    .output(RolePage)
    .query(({ ctx, input }) => listRoles(ctx.db, { actor: ctx.actor, scope: ctx.scope, page: input })),

  createRole: permittedProcedure('roles', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/rbac/roles',
        tags,
        summary: 'Create a custom role',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateRoleInput)
    .output(Role)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => createRole(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  setRolePermissions: permittedProcedure('roles', 'update')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'PUT',
        path: '/api/rbac/roles/{id}/permissions',
        tags,
        summary: "Replace a role's permission matrix",
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(SetRolePermissionsInput)
    .output(Role)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => setRolePermissions(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  assignRole: permittedProcedure('roles', 'update')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/rbac/users/{id}/assign-role',
        tags,
        summary: 'Assign a role to a user',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(AssignRoleInput)
    .output(EffectivePermissions)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => assignRole(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),
});
