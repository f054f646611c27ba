import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // API processes cache who a token speaks for (the user, their organization, their merged permissions) for a
  // few seconds. Every change that can take access away announces itself on `ipay_actor_changes` when it
  // commits, whatever code path made it (API, worker, CLI, a hand-run statement): the user's id, or `*` when a
  // role's permissions changed (any number of users). PostgreSQL sends a payload once per transaction however
  // many rows repeat it, and only if the transaction commits.
  await sql`
    create function notify_actor_change() returns trigger
    language plpgsql as $$
    begin
      if tg_table_name = 'role_permissions' then
        perform pg_notify('ipay_actor_changes', '*');
      elsif tg_table_name = 'users' then
        perform pg_notify('ipay_actor_changes', new.id::text);
      else
        -- user_roles: whose roles changed (on an update, both users).
        if tg_op <> 'INSERT' then perform pg_notify('ipay_actor_changes', old.user_id::text); end if;
        if tg_op <> 'DELETE' then perform pg_notify('ipay_actor_changes', new.user_id::text); end if;
      end if;
      return null;
    end $$`.execute(db);
  // Only the columns an actor is made of: a login's last_login_at update announces nothing.
  await sql`
    create trigger users_actor_change
      after update of status, tokens_valid_after, organization_id, removed_at, email on users
      for each row
      when (
        old.status is distinct from new.status
        or old.tokens_valid_after is distinct from new.tokens_valid_after
        or old.organization_id is distinct from new.organization_id
        or old.removed_at is distinct from new.removed_at
        or old.email is distinct from new.email
      )
      execute function notify_actor_change()`.execute(db);
  await sql`
    create trigger user_roles_actor_change
      after insert or update or delete on user_roles
      for each row execute function notify_actor_change()`.execute(db);
  await sql`
    create trigger role_permissions_actor_change
      after insert or update or delete on role_permissions
      for each row execute function notify_actor_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger role_permissions_actor_change on role_permissions`.execute(db);
  await sql`drop trigger user_roles_actor_change on user_roles`.execute(db);
  await sql`drop trigger users_actor_change on users`.execute(db);
  await sql`drop function notify_actor_change()`.execute(db);
}
