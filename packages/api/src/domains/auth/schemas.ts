import { z } from 'zod';
import { Timestamp } from '../../platform/time';

export const ORGANIZATION_TYPES = ['operator', 'merchant', 'partner', 'sponsor'] as const;
export const OrganizationType = z.enum(ORGANIZATION_TYPES);
export type OrganizationType = z.infer<typeof OrganizationType>;

export const Email = z
  .email('must be a valid e-mail address')
  .max(254)
  .transform((value) => value.toLowerCase())
  .describe('E-mail address; compared case-insensitively');

export const PASSWORD_MIN_LENGTH = 10;
/** Length over composition (NIST SP 800-63B): long enough, not trivially repetitive, not the e-mail itself. */
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(200, 'must be at most 200 characters')
  .refine((value) => new Set(value).size >= 4, 'must not be one or a few characters repeated')
  .describe(`At least ${PASSWORD_MIN_LENGTH} characters`);

function passwordIsNotEmail(value: { email: string; password: string }, ctx: z.RefinementCtx): void {
  if (value.password.toLowerCase() === value.email.toLowerCase()) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not be your e-mail address' });
  }
}

export const RegisterInput = z
  .object({
    organizationName: z.string().trim().min(1).max(200).describe('Legal or trading name of the merchant'),
    name: z.string().trim().min(1).max(200).describe("The first admin's full name"),
    email: Email,
    password: NewPassword,
  })
  .superRefine(passwordIsNotEmail);
export type RegisterInput = z.infer<typeof RegisterInput>;

export const LoginInput = z.object({
  email: Email,
  password: z.string().min(1).max(1000),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const CreateAdminInput = z
  .object({ email: Email, password: NewPassword, name: z.string().trim().min(1).max(200) })
  .superRefine(passwordIsNotEmail);
export type CreateAdminInput = z.infer<typeof CreateAdminInput>;

export const RoleSummary = z.object({
  id: z.uuid(),
  key: z.string().nullable().describe('System role key, e.g. `merchant_admin`; null for custom roles'),
  name: z.string(),
});

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    status: z.enum(['active', 'disabled']),
    organization: z.object({ id: z.uuid(), name: z.string(), type: OrganizationType }),
    roles: z.array(RoleSummary),
    createdAt: Timestamp,
    lastLoginAt: Timestamp.nullable(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const AuthSession = z
  .object({
    token: z.string().describe('JWT bearer token, valid for 7 days'),
    tokenType: z.literal('Bearer'),
    expiresAt: Timestamp,
    user: User,
  })
  .meta({ id: 'AuthSession' });
export type AuthSession = z.infer<typeof AuthSession>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(1000).describe('The password the user signs in with now'),
  newPassword: NewPassword,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const PasswordResetRequestInput = z.object({
  email: Email.describe('The address of the account; the answer is the same whether or not it has one'),
});
export type PasswordResetRequestInput = z.infer<typeof PasswordResetRequestInput>;

export const PasswordResetRequested = z
  .object({
    accepted: z.literal(true),
    detail: z.string().describe('Always the same text, whether or not the address has an account'),
  })
  .meta({ id: 'PasswordResetRequested' });
export type PasswordResetRequested = z.infer<typeof PasswordResetRequested>;

export const SingleUseToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 43-character token from the link')
  .describe('The token at the end of the link in the e-mail');

export const PasswordResetConfirmInput = z.object({
  token: SingleUseToken,
  newPassword: NewPassword,
});
export type PasswordResetConfirmInput = z.infer<typeof PasswordResetConfirmInput>;

export const SignedOutEverywhere = z
  .object({
    tokensValidAfter: Timestamp.describe('Tokens issued before this moment are refused'),
  })
  .meta({ id: 'SignedOutEverywhere' });
export type SignedOutEverywhere = z.infer<typeof SignedOutEverywhere>;

export const PasswordResetConfirmed = z
  .object({ passwordChanged: z.literal(true).describe('Sign in with the new password') })
  .meta({ id: 'PasswordResetConfirmed' });
