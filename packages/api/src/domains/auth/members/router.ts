import { router } from '../../../trpc/init';
import { permittedProcedure, publicProcedure, rateLimitedByIp } from '../../../trpc/procedures';
import {
  acceptInvitation,
  INVITATION_ACCEPT_LIMIT,
  inviteMember,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from './invitations';
import {
  AcceptedInvitation,
  AcceptInvitationInput,
  Invitation,
  InvitationIdInput,
  InvitationPage,
  InvitationPreview,
  InvitationTokenInput,
  InviteMemberInput,
  ListInvitationsInput,
  ListMembersInput,
  Member,
  MemberIdInput,
  MemberPage,
  RemovedMember,
  SetMemberRolesInput,
} from './schemas';
import { disableMember, enableMember, getMember, listMembers, removeMember, setMemberRoles } from './service';

const tags = ['auth'];

/**
 * An organization's members and invitations. Admins act on their own organization; operators (`users` on all
 * organizations) on any, naming it with `organizationId` (lists, invitations) or through the member's id.
 * The literal `/api/members/invitations` paths come before `/api/members/{id}`.
 */
export const membersRouter = router({
  invite: permittedProcedure('users', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/members/invitations',
        tags,
        summary: 'Invite a member by e-mail',
        description:
          'Mails a single-use link (`<PUBLIC_URL>/invitations/<token>`, valid 7 days) that creates the account with these roles when accepted. Inviting the same address again replaces the pending invitation.',
        errorResponses: [400, 401, 403, 409, 422],
      },
    })
    .input(InviteMemberInput)
    .output(Invitation)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          inviteMember(trx, { actor: ctx.actor, scope: ctx.scope, input, publicUrl: ctx.config.publicUrl }),
        ),
    ),

  listInvitations: permittedProcedure('users', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/members/invitations',
        tags,
        summary: 'Pending invitations, oldest first',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListInvitationsInput)
    .output(InvitationPage)
    .query(({ ctx, input }) => listInvitations(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  revokeInvitation: permittedProcedure('users', 'create')
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/api/members/invitations/{id}',
        tags,
        summary: 'Revoke a pending invitation',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(InvitationIdInput)
    .output(Invitation)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => revokeInvitation(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  list: permittedProcedure('users', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/members',
        tags,
        summary: "An organization's members with their roles, oldest first",
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListMembersInput)
    .output(MemberPage)
    .query(({ ctx, input }) => listMembers(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  get: permittedProcedure('users', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/members/{id}',
        tags,
        summary: 'One member',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(MemberIdInput)
    .output(Member)
    .query(({ ctx, input }) => getMember(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  setRoles: permittedProcedure('users', 'update')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'PUT',
        path: '/api/members/{id}/roles',
        tags,
        summary: "Replace a member's roles",
        description:
          "Each role must be a system role of the organization's kind or one of its own roles, holding no permission you do not hold; the organization keeps an active admin.",
        errorResponses: [400, 401, 403, 404, 409, 422],
      },
    })
    .input(SetMemberRolesInput)
    .output(Member)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => setMemberRoles(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  disable: permittedProcedure('users', 'update')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/members/{id}/disable',
        tags,
        summary: 'Disable a member',
        description:
          'The member cannot sign in, and every token issued to them before is refused, also after re-enabling.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(MemberIdInput)
    .output(Member)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => disableMember(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  enable: permittedProcedure('users', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/members/{id}/enable',
        tags,
        summary: 'Enable a disabled member again',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(MemberIdInput)
    .output(Member)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => enableMember(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  remove: permittedProcedure('users', 'delete')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'DELETE',
        path: '/api/members/{id}',
        tags,
        summary: 'Remove a member',
        description:
          'The account can never sign in again and is gone from lists; it is kept for the history that refers to it, and its e-mail address is free again.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(MemberIdInput)
    .output(RemovedMember)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => removeMember(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),
});

/** The invitee's side: public, the token in the link is the credential. */
export const invitationsRouter = router({
  preview: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/invitations/{token}',
        tags,
        protect: false,
        summary: 'An invitation, to show its accept form',
        errorResponses: [400, 404, 410],
      },
    })
    .input(InvitationTokenInput)
    .output(InvitationPreview)
    .query(({ ctx, input }) => previewInvitation(ctx.db, input.token)),

  accept: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/invitations/{token}/accept',
        tags,
        protect: false,
        summary: 'Accept an invitation',
        description:
          'Creates the account with the invited roles and the chosen name and password, and signs it in.',
        errorResponses: [400, 404, 409, 410, 429],
      },
    })
    .use(
      rateLimitedByIp(
        INVITATION_ACCEPT_LIMIT.name,
        INVITATION_ACCEPT_LIMIT.perIp,
        INVITATION_ACCEPT_LIMIT.windowSeconds,
      ),
    )
    .input(AcceptInvitationInput)
    .output(AcceptedInvitation)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => acceptInvitation(trx, { keyring: ctx.keyring, input })),
    ),
});
