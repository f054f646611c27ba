import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Sign-out everywhere: a bearer token whose `iat` (whole seconds) is before this moment is refused. Always a
  // whole second (see auth/tokens.ts), so `iat < tokens_valid_after` needs no rounding at read time.
  await db.schema.alterTable('users').addColumn('tokens_valid_after', 'timestamptz').execute();
  // Removing a member is a soft delete: the row stays (events, roles assigned by them, invitations and uploads
  // refer to it), the user can never sign in again, and their e-mail address and username are free for a new
  // account, so uniqueness holds among users not removed.
  await db.schema.alterTable('users').addColumn('removed_at', 'timestamptz').execute();
  await sql`alter table users add constraint users_removed_is_disabled check (removed_at is null or status = 'disabled')`.execute(
    db,
  );
  await sql`alter table users drop constraint users_email_key`.execute(db);
  await sql`alter table users drop constraint users_username_key`.execute(db);
  await sql`create unique index users_email_key on users (email) where removed_at is null`.execute(db);
  await sql`create unique index users_username_key on users (username) where removed_at is null`.execute(db);

  await db.schema
    .createTable('user_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email)`))
    // SHA-256 of the 32 random bytes mailed to the invitee; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'accepted', 'revoked')`),
    )
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('accepted_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('settled_at', 'timestamptz')
    .execute();
  // One pending invitation per address and organization: inviting again replaces it.
  await sql`create unique index user_invitations_pending_key on user_invitations (organization_id, email) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('user_invitations_organization_idx')
    .on('user_invitations')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('user_invitation_roles')
    .addColumn('invitation_id', 'uuid', (c) =>
      c.notNull().references('user_invitations.id').onDelete('cascade'),
    )
    .addColumn('role_id', 'uuid', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_invitation_roles_pkey', ['invitation_id', 'role_id'])
    .execute();

  await db.schema
    .createTable('password_reset_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // SHA-256 of the 32 random bytes mailed to the user; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('password_reset_tokens_user_idx')
    .on('password_reset_tokens')
    .column('user_id')
    .execute();

  // E-mails may carry an HTML alternative beside the plain text.
  await db.schema.alterTable('email_outbox').addColumn('html', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_outbox').dropColumn('html').execute();
  await db.schema.dropTable('password_reset_tokens').execute();
  await db.schema.dropTable('user_invitation_roles').execute();
  await db.schema.dropTable('user_invitations').execute();
  // Fails while a removed user's address or username is used again: which account keeps it is not ours to decide.
  await sql`drop index users_username_key`.execute(db);
  await sql`drop index users_email_key`.execute(db);
  await sql`alter table users add constraint users_username_key unique (username)`.execute(db);
  await sql`alter table users add constraint users_email_key unique (email)`.execute(db);
  await sql`alter table users drop constraint users_removed_is_disabled`.execute(db);
  await db.schema.alterTable('users').dropColumn('removed_at').execute();
  await db.schema.alterTable('users').dropColumn('tokens_valid_after').execute();
}
