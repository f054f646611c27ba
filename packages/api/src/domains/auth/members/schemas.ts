import { z } from 'zod';
import { PageInput, pageOf } from '../../../platform/pagination-schemas';
import { Timestamp } from '../../../platform/time';
import { AuthSession, Email, NewPassword, OrganizationType, RoleSummary, SingleUseToken } from '../schemas';

const OrganizationIdInput = z
  .uuid()
  .optional()
  .describe(
    'Operators only (`users` on all organizations): the organization to act on; omit for your own. Others may only name their own.',
  );

export const MEMBER_STATUSES = ['active', 'disabled'] as const;
export const MemberStatus = z
  .enum(MEMBER_STATUSES)
  .describe(
    '`disabled`: cannot sign in, and tokens issued before are refused; removed members are not listed',
  );

export const Member = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    email: z.string(),
    name: z.string(),
    status: MemberStatus,
    roles: z.array(RoleSummary),
    createdAt: Timestamp,
    lastLoginAt: Timestamp.nullable(),
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof Member>;

export const ListMembersInput = PageInput.extend({
  organizationId: OrganizationIdInput,
  status: MemberStatus.optional().describe('Only members in this status'),
});
export type ListMembersInput = z.infer<typeof ListMembersInput>;
export const MemberPage = pageOf(Member);

export const RemovedMember = z
  .object({
    id: z.uuid(),
    removedAt: Timestamp.describe('From now on the account cannot sign in and is not listed'),
  })
  .meta({ id: 'RemovedMember' });
export type RemovedMember = z.infer<typeof RemovedMember>;

export const MemberIdInput = z.object({ id: z.uuid().describe('Member (user) id') });
export type MemberIdInput = z.infer<typeof MemberIdInput>;

const RoleIds = z
  .array(z.uuid())
  .min(1, 'name at least one role')
  .max(20)
  .refine((ids) => new Set(ids).size === ids.length, 'must not list a role twice')
  .describe(
    "Role ids: system roles of the organization's kind or the organization's own roles, each holding no permission you do not hold",
  );

export const SetMemberRolesInput = z.object({
  id: z.uuid().describe('Member (user) id'),
  roleIds: RoleIds,
});
export type SetMemberRolesInput = z.infer<typeof SetMemberRolesInput>;

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;

export const Invitation = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    email: z.string(),
    roles: z.array(RoleSummary),
    status: z
      .enum(INVITATION_STATUSES)
      .describe('`pending` until accepted, revoked (or replaced by a new invitation) or past `expiresAt`'),
    invitedBy: z.uuid().nullable(),
    expiresAt: Timestamp,
    createdAt: Timestamp,
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof Invitation>;

export const InviteMemberInput = z.object({
  organizationId: OrganizationIdInput,
  email: Email.describe('Where the single-use invitation link (valid 7 days) is sent'),
  roleIds: RoleIds,
});
export type InviteMemberInput = z.infer<typeof InviteMemberInput>;

export const ListInvitationsInput = PageInput.extend({ organizationId: OrganizationIdInput });
export type ListInvitationsInput = z.infer<typeof ListInvitationsInput>;
export const InvitationPage = pageOf(Invitation);

export const InvitationIdInput = z.object({ id: z.uuid().describe('Invitation id') });
export type InvitationIdInput = z.infer<typeof InvitationIdInput>;

export const InvitationTokenInput = z.object({ token: SingleUseToken });
export type InvitationTokenInput = z.infer<typeof InvitationTokenInput>;

export const InvitationPreview = z
  .object({
    email: z.string().describe('The invited address; the account is created with it'),
    organization: z.object({ name: z.string(), type: OrganizationType }),
    expiresAt: Timestamp,
  })
  .meta({ id: 'InvitationPreview' });
export type InvitationPreview = z.infer<typeof InvitationPreview>;

export const AcceptInvitationInput = z.object({
  token: SingleUseToken,
  name: z.string().trim().min(1).max(200).describe('Your full name'),
  password: NewPassword,
});
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationInput>;

export const AcceptedInvitation = AuthSession;
