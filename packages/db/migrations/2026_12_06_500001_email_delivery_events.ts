import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // What the recipient's mail server made of a sent e-mail, from Resend's webhooks: the status of the newest event
  // by the event's own time (`delivery_status_at`), so a late older event never overwrites a newer one.
  // `regarding_kind`/`regarding_id` name what the e-mail is about (an order), for the domain that shows it.
  await sql`
    alter table email_outbox
      add column delivery_status text
        check (delivery_status in ('sent', 'delivered', 'delivery_delayed', 'bounced', 'complained')),
      add column delivery_status_at timestamptz,
      add column delivery_detail text,
      add column regarding_kind text,
      add column regarding_id text,
      add constraint email_outbox_delivery_status_at_check
        check ((delivery_status is null) = (delivery_status_at is null)),
      add constraint email_outbox_regarding_check check ((regarding_kind is null) = (regarding_id is null))`.execute(
    db,
  );
  await sql`create index email_outbox_provider_message_idx on email_outbox (provider_message_id)
    where provider_message_id is not null`.execute(db);
  await sql`create index email_outbox_regarding_idx on email_outbox (regarding_kind, regarding_id)
    where regarding_kind is not null`.execute(db);

  // Every verified Resend event, once per svix id (a replay inserts nothing): the e-mail's delivery history, and
  // the record that the event was processed. `email_id` is null for an e-mail the outbox does not know.
  await db.schema
    .createTable('email_delivery_events')
    .addColumn('svix_id', 'text', (c) => c.primaryKey())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('email_id', 'uuid', (c) => c.references('email_outbox.id').onDelete('cascade'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index email_delivery_events_email_idx on email_delivery_events (email_id, occurred_at)
    where email_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_delivery_events').execute();
  await sql`drop index email_outbox_regarding_idx`.execute(db);
  await sql`drop index email_outbox_provider_message_idx`.execute(db);
  await sql`
    alter table email_outbox
      drop constraint email_outbox_regarding_check,
      drop constraint email_outbox_delivery_status_at_check,
      drop column regarding_id,
      drop column regarding_kind,
      drop column delivery_detail,
      drop column delivery_status_at,
      drop column delivery_status`.execute(db);
}
