import { z } from 'zod';
import { AppError } from '../../../errors/app-error';
import type { ZodLikeIssue } from '../../../errors/problem';
import { translator, type Language, type MessageKey, type Translate } from '../../../pages/i18n';
import { renderMessagePage } from '../../../pages/render';
import { PASSWORD_MIN_LENGTH } from '../schemas';

/** The fields of the invitation and password-reset forms. */
export type FormField = 'name' | 'password' | 'passwordConfirm';

/**
 * The forms as posted. Only the shape is checked here; what a valid name or password is, is decided by the
 * services' own input schemas (`AcceptInvitationInput`, `PasswordResetConfirmInput`) and the services. Unknown
 * fields (the hidden `username` for password managers) are dropped.
 */
export const InvitationForm = z.object({
  name: z.string().default(''),
  password: z.string().default(''),
  passwordConfirm: z.string().default(''),
});
export type InvitationForm = z.infer<typeof InvitationForm>;

export const PasswordResetForm = InvitationForm.omit({ name: true });
export type PasswordResetForm = z.infer<typeof PasswordResetForm>;

/** The query after a successful POST (the 303 lands on the page again): `?done=1`. */
export const DoneQuery = z.object({ done: z.literal('1').optional().catch(undefined) });

export interface FieldMessage {
  key: MessageKey;
  values?: Record<string, string | number>;
}
export type FieldErrors = Partial<Record<FormField, FieldMessage>>;

/** The reason a password was refused, in the reader's words; the rule itself is the service's. */
function passwordMessage(code: string | undefined): FieldMessage {
  switch (code) {
    case 'too_small':
      return { key: 'account.error.passwordTooShort', values: { min: PASSWORD_MIN_LENGTH } };
    case 'too_big':
      return { key: 'account.error.passwordTooLong' };
    // NewPassword's one refinement: not one or a few characters repeated.
    case 'custom':
      return { key: 'account.error.passwordRepeated' };
    case 'password_is_email':
      return { key: 'account.error.passwordIsEmail' };
    default:
      return { key: 'account.error.passwordRules', values: { min: PASSWORD_MIN_LENGTH } };
  }
}

function nameMessage(code: string | undefined): FieldMessage {
  return code === 'too_big' ? { key: 'account.error.nameTooLong' } : { key: 'account.error.nameMissing' };
}

/**
 * The field errors of a service's input schema (or of the service itself), mapped onto the form's fields:
 * `fields` names the form field of each input field (`newPassword` → `password`). The first error of a field
 * is the one shown.
 */
function formErrorsOf(
  issues: ReadonlyArray<Pick<ZodLikeIssue, 'path' | 'code'>>,
  fields: Record<string, FormField>,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fields[String(issue.path[0])];
    if (!field || errors[field]) continue;
    errors[field] = field === 'name' ? nameMessage(issue.code) : passwordMessage(issue.code);
  }
  return errors;
}

/** A service's refusal of a field (e.g. the password is the e-mail address), as form errors; else undefined. */
function serviceFormErrors(error: unknown, fields: Record<string, FormField>): FieldErrors | undefined {
  if (!(error instanceof AppError) || error.kind !== 'validation_failed' || !error.errors?.length)
    return undefined;
  const errors = formErrorsOf(
    error.errors.map((e) => ({ path: [e.field], code: e.code })),
    fields,
  );
  return Object.keys(errors).length ? errors : undefined;
}

/** The confirmation field exists only on the form: the two passwords must match. */
function confirmationError(form: { password: string; passwordConfirm: string }): FieldErrors {
  if (!form.passwordConfirm) return { passwordConfirm: { key: 'account.error.confirmMissing' } };
  if (form.password !== form.passwordConfirm)
    return { passwordConfirm: { key: 'account.error.passwordMismatch' } };
  return {};
}

interface FieldSpec {
  field: FormField;
  label: MessageKey;
  type: 'text' | 'password';
  autocomplete: 'name' | 'new-password';
  hint?: FieldMessage;
}

export const NAME_FIELD: FieldSpec = {
  field: 'name',
  label: 'account.field.name',
  type: 'text',
  autocomplete: 'name',
};
export const PASSWORD_FIELDS: readonly FieldSpec[] = [
  {
    field: 'password',
    label: 'account.field.password',
    type: 'password',
    autocomplete: 'new-password',
    hint: { key: 'account.field.passwordHint', values: { min: PASSWORD_MIN_LENGTH } },
  },
  {
    field: 'passwordConfirm',
    label: 'account.field.passwordConfirm',
    type: 'password',
    autocomplete: 'new-password',
  },
];

/**
 * What the form template shows: each field with its label, hint and error, wired with `aria-describedby`
 * and `aria-invalid`, and the error summary linking to the fields. Only the name is kept after a refusal;
 * passwords are never sent back.
 */
export function accountFormView(
  t: Translate,
  options: { fields: readonly FieldSpec[]; values: { name?: string }; errors: FieldErrors },
) {
  const fields = options.fields.map((spec) => {
    const id = `field-${spec.field}`;
    const hint = spec.hint ? { id: `${id}-hint`, text: t(spec.hint.key, spec.hint.values) } : undefined;
    const message = options.errors[spec.field];
    const error = message ? { id: `${id}-error`, text: t(message.key, message.values) } : undefined;
    return {
      id,
      name: spec.field,
      label: t(spec.label),
      type: spec.type,
      autocomplete: spec.autocomplete,
      value: spec.field === 'name' ? (options.values.name ?? '') : '',
      minlength: spec.type === 'password' ? PASSWORD_MIN_LENGTH : undefined,
      hint,
      error,
      describedBy: [hint?.id, error?.id].filter(Boolean).join(' '),
    };
  });
  const summary = fields.flatMap((field) =>
    field.error ? [{ href: `#${field.id}`, text: field.error.text }] : [],
  );
  return { fields, summary };
}

/** The footer line of the account pages (the shared one speaks of paying on delivery). */
export const ACCOUNT_FOOTER = 'layout.footer.account' as const;

/** A page that says one thing about an e-mailed link (unknown, expired, used, done), with its HTTP status. */
export interface LinkMessage {
  status: number;
  title: MessageKey;
  text: MessageKey;
}

/** The account pages' one-message page, on the link's own path, with the account footer. */
export function renderLinkMessage(language: Language, path: string, message: LinkMessage): string {
  const frame = { language, path, title: message.title, footer: ACCOUNT_FOOTER };
  return renderMessagePage(frame, { text: translator(language)(message.text) });
}

/** The link state a service's refusal stands for (its code is one of `states`), or undefined. */
function linkStateOf<K extends string>(states: Record<K, LinkMessage>, error: unknown): K | undefined {
  return error instanceof AppError && Object.hasOwn(states, error.code) ? (error.code as K) : undefined;
}

/** What a link's service says of it: its preview, or the state page it stands for. Other errors are thrown. */
export async function previewOrState<P, K extends string>(
  states: Record<K, LinkMessage>,
  preview: Promise<P>,
): Promise<{ preview: P } | { state: K }> {
  try {
    return { preview: await preview };
  } catch (error) {
    const state = linkStateOf(states, error);
    if (!state) throw error;
    return { state };
  }
}

/**
 * A posted account form, checked by the service's own input schema and the form's confirmation field, then
 * submitted: done, a state page of the link (used or expired meanwhile), or the field errors to show.
 */
export async function submitAccountForm<T, K extends string>(options: {
  schema: z.ZodType<T>;
  input: unknown;
  form: { password: string; passwordConfirm: string };
  fields: Record<string, FormField>;
  states: Record<K, LinkMessage>;
  submit: (input: T) => Promise<unknown>;
}): Promise<{ done: true } | { state: K } | { errors: FieldErrors }> {
  const parsed = options.schema.safeParse(options.input);
  const errors: FieldErrors = {
    ...(parsed.success ? {} : formErrorsOf(parsed.error.issues, options.fields)),
    ...confirmationError(options.form),
  };
  if (!parsed.success || Object.keys(errors).length > 0) return { errors };
  try {
    await options.submit(parsed.data);
    return { done: true };
  } catch (error) {
    const state = linkStateOf(options.states, error);
    if (state) return { state };
    const refused = serviceFormErrors(error, options.fields);
    if (!refused) throw error;
    return { errors: refused };
  }
}
